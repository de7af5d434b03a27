import { describe, expect, it } from 'vitest';
import { describeTotal, formatDateTime, formatDuration, formatUtc } from './format';

describe('timestamps', () => {
  const instant = '2026-11-30T14:05:00Z';

  it('shows the time in the given zone, with the zone named', () => {
    expect(formatDateTime(instant, { timeZone: 'Europe/Berlin' })).toBe('Nov 30, 2026, 3:05 PM GMT+1');
    expect(formatDateTime(instant, { timeZone: 'America/New_York' })).toBe('Nov 30, 2026, 9:05 AM EST');
    expect(formatDateTime(instant, { timeZone: 'Asia/Kolkata' })).toBe('Nov 30, 2026, 7:35 PM GMT+5:30');
  });

  it('names the weekday when asked, in the same form', () => {
    expect(formatDateTime(instant, { timeZone: 'Asia/Tokyo', weekday: true })).toBe(
      'Mon, Nov 30, 2026, 11:05 PM GMT+9',
    );
  });

  it('gives the same instant in UTC for the hover title', () => {
    expect(formatUtc(instant)).toBe('Nov 30, 2026, 2:05 PM UTC');
  });

  it('shows a missing timestamp as a dash', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatUtc(undefined)).toBe('—');
  });
});

describe('counts in words', () => {
  it('gives one user the singular and other counts the plural', () => {
    expect(describeTotal(1, true)).toBe('1 user');
    expect(describeTotal(0, true)).toBe('0 users');
    expect(describeTotal(1234, true)).toBe('1,234 users');
  });

  it('describes a total counted only up to a limit', () => {
    expect(describeTotal(10_000, false)).toBe('more than 10,000 users');
    expect(describeTotal(1, false)).toBe('more than 1 user');
  });
});

describe('durations', () => {
  it('reads in the largest units that fit', () => {
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T00:00:42Z')).toBe('42 s');
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T00:03:20Z')).toBe('3 min 20 s');
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T02:05:00Z')).toBe('2 h 5 min');
    expect(formatDuration(null, '2026-01-01T00:00:00Z')).toBe('—');
  });
});
