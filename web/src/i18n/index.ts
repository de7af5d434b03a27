import { dateEnUS, enUS, type NDateLocale, type NLocale } from 'naive-ui';
import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import { en, type MessageSchema } from './en';

// The catalogue's shape is the English one: a second locale is typed against it and fails the
// type-check while it lacks a message.
declare module 'vue-i18n' {
  export interface DefineLocaleMessage extends MessageSchema {}
}

export type Locale = 'en';

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en },
});

export const { locale } = i18n.global;

// Naive UI's own words (date pickers, empty tables, pagination) follow the app's locale.
const naiveLocales: Record<Locale, { ui: NLocale; date: NDateLocale }> = {
  en: {
    ui: {
      ...enUS,
      // Naive UI puts "Please Input" into every text and number box without a placeholder of its own:
      // an empty box says more than a placeholder that is not an example of what to type.
      Input: { ...enUS.Input, placeholder: '' },
      InputNumber: { ...enUS.InputNumber, placeholder: '' },
    },
    date: dateEnUS,
  },
};

export const naiveLocale = computed(() => naiveLocales[locale.value as Locale].ui);
export const naiveDateLocale = computed(() => naiveLocales[locale.value as Locale].date);

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every message's key ("shell.page.users"): a key the catalogue lacks does not compile. */
export type MessageKey = Leaves<MessageSchema>;

type Translate = (key: string, ...rest: unknown[]) => string;

/**
 * The catalogue's message for scripts (templates use `$t`): `named` fills its placeholders, `plural` picks
 * its form ("1 user | {count} users"). Keys are checked against the catalogue when compiling.
 */
export function t(key: MessageKey, named?: Record<string, unknown>, plural?: number): string;
export function t(key: MessageKey, plural: number): string;
export function t(key: MessageKey, ...rest: unknown[]): string {
  return (i18n.global.t as Translate)(key, ...rest);
}
