import { Cron } from 'croner';
import { Problem } from '../../infra/http/problem';

/** How often scheduled syncs run: a fixed interval, or a cron expression read in a time zone. */
export type Cadence =
  | { kind: 'interval'; minutes: number }
  | { kind: 'cron'; expression: string; timezone: string | null };

function cronOf(expression: string, timezone: string | null): Cron {
  return new Cron(expression, { timezone: timezone ?? 'UTC' });
}

/**
 * Refuses what would only fail later, in the scheduler: an expression croner cannot read, an unknown time
 * zone, or an expression that never fires again (e.g. a date in the past).
 */
export function checkCadence(cadence: Cadence): void {
  if (cadence.kind === 'interval') return;
  if (cadence.timezone !== null) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: cadence.timezone });
    } catch {
      throw Problem.badRequest('invalid_timezone', `"${cadence.timezone}" is not an IANA time zone.`);
    }
  }
  let next: Date | null;
  try {
    next = cronOf(cadence.expression, cadence.timezone).nextRun();
  } catch (error) {
    throw Problem.badRequest('invalid_cron', `The cron expression is not valid: ${(error as Error).message}`);
  }
  if (!next) throw Problem.badRequest('invalid_cron', 'The cron expression never fires again.');
}

/**
 * The first occurrence strictly after `after`. An interval keeps its rhythm from `anchor` (the occurrence
 * just claimed), skipping occurrences missed while no process ran, so a late tick does not shift the cadence.
 */
export function nextOccurrence(cadence: Cadence, after: Date, anchor: Date = after): Date | null {
  if (cadence.kind === 'cron') return cronOf(cadence.expression, cadence.timezone).nextRun(after);
  const step = cadence.minutes * 60_000;
  const missed = Math.max(0, Math.floor((after.getTime() - anchor.getTime()) / step));
  return new Date(anchor.getTime() + (missed + 1) * step);
}
