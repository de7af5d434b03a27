import { computed, nextTick, ref } from 'vue';

/** A field's rule: the sentence to show at the field, or null when the value is fine. */
export type FieldRule<Value> = (value: Value) => string | null;

export type FieldRules<Form> = { [Field in keyof Form]?: FieldRule<Form[Field]> };

/** The messages of the fields that break their rule, by field name. */
export function checkFields<Form extends object>(
  form: Form,
  rules: FieldRules<Form>,
): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const field of Object.keys(rules) as Array<keyof Form & string>) {
    const message = rules[field]?.(form[field]);
    if (message) messages[field] = message;
  }
  return messages;
}

const snapshot = (value: unknown) => JSON.stringify(value);

/**
 * What a form says is wrong, field by field, before and after saving. A field's rule speaks once its value
 * differs from the one loaded (nobody wants to be told off for a form they have not touched yet), and every
 * rule speaks once a save was tried. A refusal of the service, set by `refuse`, stands at its field until
 * the value changes. `rules` is read each time, so which fields count may depend on the form (a cron
 * expression only when the cadence is cron). Field names double as the inputs' ids, to take the focus to
 * the first wrong one.
 */
export function useFieldChecks<Form extends object>(form: Form, rules: () => FieldRules<Form>) {
  const values = () => form as Record<string, unknown>;
  const loaded = ref<Record<string, string>>({});
  const tried = ref(false);
  const refused = ref<Record<string, { message: string; value: string }>>({});
  const broken = computed(() => checkFields(form, rules()));

  function errorOf(field: keyof Form & string): string | undefined {
    const now = snapshot(values()[field]);
    const refusal = refused.value[field];
    if (refusal && refusal.value === now) return refusal.message;
    const shown = tried.value || loaded.value[field] !== now;
    return shown ? broken.value[field] : undefined;
  }

  /** Before a save: every rule speaks; false (and the focus on the first wrong field) when one fails. */
  function checkBeforeSave(): boolean {
    tried.value = true;
    refused.value = {};
    const first = Object.keys(broken.value)[0];
    if (first) focusField(first);
    return first === undefined;
  }

  /** The service's refusal, by field; true when it named a field of this form (the focus goes there). */
  function refuse(byField: Record<string, string>): boolean {
    refused.value = Object.fromEntries(
      Object.entries(byField).map(([field, message]) => [
        field,
        { message, value: snapshot(values()[field]) },
      ]),
    );
    const first = Object.keys(byField)[0];
    if (first) focusField(first);
    return first !== undefined;
  }

  /** The form as loaded from what is stored: nothing changed, nothing tried. */
  function reset(): void {
    loaded.value = Object.fromEntries(
      Object.entries(values()).map(([field, value]) => [field, snapshot(value)]),
    );
    tried.value = false;
    refused.value = {};
  }

  reset();
  return { errorOf, checkBeforeSave, refuse, reset, broken };
}

function focusField(field: string): void {
  void nextTick().then(() => document.getElementById(field)?.focus());
}
