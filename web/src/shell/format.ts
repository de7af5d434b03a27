import { locale, t } from '@/i18n';

/**
 * Every timestamp in one form: date, time and the zone it is in, so two people in different zones reading
 * the same page know which hour is meant. `timeZone` is the browser's unless given (tests fix one).
 */
const TIMESTAMP: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

const formats = new Map<string, Intl.DateTimeFormat>();

function timestampFormat({ timeZone, weekday }: TimestampOptions): Intl.DateTimeFormat {
  const cacheKey = `${locale.value}|${timeZone ?? ''}|${weekday ? 'weekday' : ''}`;
  let format = formats.get(cacheKey);
  if (!format) {
    format = new Intl.DateTimeFormat(locale.value, {
      ...TIMESTAMP,
      timeZone,
      ...(weekday ? { weekday: 'short' as const } : {}),
    });
    formats.set(cacheKey, format);
  }
  return format;
}

interface TimestampOptions {
  /** The zone to show the instant in; the browser's unless given. */
  timeZone?: string;
  /** "Mon, Nov 30, 2026, …": for instants to be read by weekday (a cron expression's next runs). */
  weekday?: boolean;
}

/** "Nov 30, 2026, 3:04 AM GMT+1": in the browser's time zone, named. */
export function formatDateTime(iso: string | null | undefined, options: TimestampOptions = {}): string {
  return iso ? timestampFormat(options).format(new Date(iso)) : '—';
}

/** The same instant in UTC, for a timestamp's title (hover) or a detail view. */
export function formatUtc(iso: string | null | undefined): string {
  return formatDateTime(iso, { timeZone: 'UTC' });
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat(locale.value).format(value);
}

/** "1,234 users", or "more than 10,000 users" when the service stopped counting. */
export function describeTotal(total: number, isExact: boolean): string {
  const count = formatCount(total);
  return isExact ? t('count.users', { count }, total) : t('count.moreThanUsers', { count }, total);
}

export function fullName(person: { firstName: string; lastName: string }): string {
  return [person.firstName, person.lastName].filter(Boolean).join(' ') || '—';
}

/** "3 min 20 s" between two instants, for how long a run took. */
export function formatDuration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return '—';
  const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return t('duration.seconds', { seconds });
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? t('duration.minutes', { minutes, seconds: seconds % 60 })
    : t('duration.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}
