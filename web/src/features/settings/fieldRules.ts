import { Cron } from 'croner';
import { t } from '@/i18n';
import type { FieldRule } from '@/shell/useFieldChecks';

/**
 * What each settings field accepts, said in plain words before anything is sent. The rules are the
 * contract's (openapi.yaml) and the scheduler's (croner, the library the service schedules with), so a value
 * passed here is not refused on save; each rule answers the sentence to show at the field, or null.
 */

const TENANT_ID = /^[A-Za-z0-9.-]+$/;
const CLIENT_ID = /^[A-Za-z0-9-]+$/;

/** An identifier of the app registration, as its overview page shows it. */
function identifierRule(what: () => string, pattern: RegExp, shape: () => string): FieldRule<string> {
  return (value) => {
    const identifier = value.trim();
    if (!identifier) return t('settings.rule.enterIdentifier', { what: what() });
    return identifier.length > 100 || !pattern.test(identifier) ? shape() : null;
  };
}

export const tenantIdRule = identifierRule(
  () => t('settings.rule.tenantIdWhat'),
  TENANT_ID,
  () => t('settings.rule.tenantIdShape'),
);
export const clientIdRule = identifierRule(
  () => t('settings.rule.clientIdWhat'),
  CLIENT_ID,
  () => t('settings.rule.clientIdShape'),
);

/** An endpoint receives the credentials: an https:// address, nothing else. */
function endpointRule(what: () => string, example: string): FieldRule<string> {
  return (value) => {
    const url = value.trim();
    const named = { what: what(), example };
    if (!url) return t('settings.rule.enterEndpoint', named);
    if (!url.toLowerCase().startsWith('https://')) return t('settings.rule.endpointShape', named);
    if (url.length > 500 || !URL.canParse(url)) return t('settings.rule.endpointUnreadable', named);
    return null;
  };
}

export const authorityHostRule = endpointRule(
  () => t('settings.rule.authorityHostWhat'),
  'https://login.microsoftonline.com',
);
export const graphBaseUrlRule = endpointRule(
  () => t('settings.rule.graphBaseUrlWhat'),
  'https://graph.microsoft.com',
);

/** An empty secret keeps the stored one (or leaves the connection without one until it is given). */
export function clientSecretRule(value: string): string | null {
  return value.length > 500 ? t('settings.rule.clientSecretTooLong') : null;
}

/** Whether `zone` names an IANA time zone this browser knows (the service checks the same way). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function timezoneRule(value: string): string | null {
  if (!value) return null;
  return isTimeZone(value) ? null : t('settings.rule.notTimeZone', { zone: value });
}

/** The next `count` runs of a cron expression read in `timezone` (UTC when empty), as the scheduler reads it. */
export function nextCronRuns(expression: string, timezone: string, count: number, after?: Date): Date[] {
  return new Cron(expression.trim(), { timezone: timezone || 'UTC' }).nextRuns(count, after);
}

export function cronRule(value: string): string | null {
  const expression = value.trim();
  if (!expression) return t('settings.rule.enterCron');
  if (expression.length > 200) return t('settings.rule.cronTooLong');
  try {
    if (nextCronRuns(expression, 'UTC', 1).length === 0) return t('settings.rule.cronNeverRuns');
  } catch {
    return t('settings.rule.notCron');
  }
  return null;
}

function wholeNumberRule(min: number, max: number, message: () => string): FieldRule<number | null> {
  return (value) =>
    value === null || !Number.isInteger(value) || value < min || value > max ? message() : null;
}

const formatMax = (max: number) => new Intl.NumberFormat().format(max);

/** 31 days, the longest interval the scheduler takes. */
export const intervalMinutesRule = wholeNumberRule(1, 44640, () =>
  t('settings.rule.intervalMinutes', { max: formatMax(44640) }),
);
export const deletionThresholdMinCountRule = wholeNumberRule(0, Number.MAX_SAFE_INTEGER, () =>
  t('settings.rule.deletionThresholdMinCount'),
);
export const retainRunsRule = wholeNumberRule(1, 100000, () =>
  t('settings.rule.retainRuns', { max: formatMax(100000) }),
);

export function deletionThresholdPercentRule(value: number | null): string | null {
  return value === null || value < 0 || value > 100 ? t('settings.rule.deletionThresholdPercent') : null;
}

export function webhookUrlRule(value: string): string | null {
  const url = value.trim();
  if (!url) return null;
  if (!/^https?:\/\//i.test(url) || url.length > 2000 || !URL.canParse(url))
    return t('settings.rule.webhookUrl');
  return null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function notifyEmailsRule(emails: string[]): string | null {
  const wrong = emails.filter((email) => !EMAIL.test(email.trim()) || email.length > 320);
  if (wrong.length) return t('settings.rule.notEmail', { addresses: wrong.join(', ') });
  if (emails.length > 50) return t('settings.rule.tooManyEmails');
  return null;
}
