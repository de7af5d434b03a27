const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const count = new Intl.NumberFormat();

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatCount(value: number): string {
  return count.format(value);
}

const plurals = new Intl.PluralRules('en');

/** "1 user", "3 users": a count with its noun in the form the count takes. */
export function countOf(value: number, one: string, other = `${one}s`): string {
  return `${formatCount(value)} ${plurals.select(value) === 'one' ? one : other}`;
}

/** "1,234 users", or "more than 10,000 users" when the service stopped counting. */
export function describeTotal(total: number, isExact: boolean, noun = 'user'): string {
  return isExact ? countOf(total, noun) : `more than ${formatCount(total)} ${noun}s`;
}

export function fullName(person: { firstName: string; lastName: string }): string {
  return [person.firstName, person.lastName].filter(Boolean).join(' ') || '—';
}

/** "3 min 20 s" between two instants, for how long a run took. */
export function formatDuration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return '—';
  const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${seconds % 60} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
