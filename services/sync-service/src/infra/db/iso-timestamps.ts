/**
 * Timestamps a listing returns, formatted by the database as the API writes them (ISO 8601 in UTC, to the
 * millisecond): parsing each row's timestamps into dates and formatting them again was a seventh of the
 * service's processor time serving a page of 50 users (`npm run bench:list`, docs/performance.md).
 * `MS` cuts the microseconds as `Date` does, and `at time zone 'UTC'` makes the session's zone irrelevant.
 */
export function isoText(expression: string): string {
  return `to_char((${expression}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

const canonical = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A timestamp as the API writes it, whether read as a `Date` or already as `isoText`. */
export function toIso(value: Date | string): string {
  if (typeof value === 'string' && canonical.test(value)) return value;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
