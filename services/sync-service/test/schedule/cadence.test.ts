import { checkCadence, nextOccurrence } from '../../src/features/schedule/cadence';

describe('the schedule cadence', () => {
  const at = (iso: string) => new Date(iso);

  it('keeps an interval rhythm from the claimed occurrence, skipping missed ones', () => {
    const cadence = { kind: 'interval', minutes: 10 } as const;
    expect(nextOccurrence(cadence, at('2026-01-01T10:00:03Z'), at('2026-01-01T10:00:00Z'))).toEqual(
      at('2026-01-01T10:10:00Z'),
    );
    expect(nextOccurrence(cadence, at('2026-01-01T10:35:00Z'), at('2026-01-01T10:00:00Z'))).toEqual(
      at('2026-01-01T10:40:00Z'),
    );
    expect(nextOccurrence(cadence, at('2026-01-01T10:00:00Z'))).toEqual(at('2026-01-01T10:10:00Z'));
  });

  it('reads a cron expression in its time zone', () => {
    const nightly = { kind: 'cron', expression: '0 2 * * *', timezone: 'Europe/Paris' } as const;
    expect(nextOccurrence(nightly, at('2026-01-01T12:00:00Z'))).toEqual(at('2026-01-02T01:00:00Z'));
    const utc = { kind: 'cron', expression: '0 2 * * *', timezone: null } as const;
    expect(nextOccurrence(utc, at('2026-01-01T12:00:00Z'))).toEqual(at('2026-01-02T02:00:00Z'));
  });

  it('refuses an unreadable expression, an unknown time zone and an expression that never fires', () => {
    expect(() => checkCadence({ kind: 'cron', expression: '61 * * * *', timezone: null })).toThrow(
      /not valid/,
    );
    expect(() => checkCadence({ kind: 'cron', expression: '0 2 * * *', timezone: 'Mars/Olympus' })).toThrow(
      /time zone/,
    );
    // February 30th
    expect(() => checkCadence({ kind: 'cron', expression: '0 0 30 2 *', timezone: null })).toThrow(/never/);
    expect(() =>
      checkCadence({ kind: 'cron', expression: '0 2 * * *', timezone: 'Asia/Tokyo' }),
    ).not.toThrow();
  });
});
