import type { Queryable } from '../../infra/db/queryable';
import type { SyncRunStatus } from '../sync/runs/run-repository';
import type { Cadence } from './cadence';

/** The schedule as administrators set it. */
export interface ScheduleSettings {
  enabled: boolean;
  intervalMinutes: number | null;
  cron: string | null;
  timezone: string | null;
  webhookUrl: string | null;
  notifyEmails: string[];
}

export interface ScheduleRow {
  enabled: boolean;
  interval_minutes: number | null;
  cron: string | null;
  timezone: string | null;
  webhook_url: string | null;
  notify_emails: string[];
  next_run_at: Date | null;
  last_run_id: string | null;
  last_run_at: Date | null;
  revision: number;
}

export interface ScheduleWithLastRun extends ScheduleRow {
  /** Null when the schedule never ran, or retention removed its last run. */
  last_run_status: SyncRunStatus | null;
}

const scheduleColumns = [
  'sync_schedule.enabled',
  'sync_schedule.interval_minutes',
  'sync_schedule.cron',
  'sync_schedule.timezone',
  'sync_schedule.webhook_url',
  'sync_schedule.notify_emails',
  'sync_schedule.next_run_at',
  'sync_schedule.last_run_id',
  'sync_schedule.last_run_at',
  'sync_schedule.revision',
];

export function cadenceOf(schedule: {
  interval_minutes: number | null;
  cron: string | null;
  timezone: string | null;
}): Cadence | null {
  if (schedule.interval_minutes !== null) return { kind: 'interval', minutes: schedule.interval_minutes };
  if (schedule.cron !== null) return { kind: 'cron', expression: schedule.cron, timezone: schedule.timezone };
  return null;
}

export async function loadSchedule(db: Queryable): Promise<ScheduleWithLastRun> {
  const row = await db('sync_schedule')
    .leftJoin('sync_runs', 'sync_runs.id', 'sync_schedule.last_run_id')
    .where('sync_schedule.id', 1)
    .first([...scheduleColumns, 'sync_runs.status as last_run_status']);
  if (!row) throw new Error('The schedule row is missing: migration 007 was not applied');
  return row;
}

/** Stores an edit; the new revision invalidates claims computed from the previous one. */
export async function saveSchedule(
  db: Queryable,
  settings: ScheduleSettings,
  nextRunAt: Date | null,
): Promise<void> {
  await db('sync_schedule')
    .where({ id: 1 })
    .update({
      enabled: settings.enabled,
      interval_minutes: settings.intervalMinutes,
      cron: settings.cron,
      timezone: settings.timezone,
      webhook_url: settings.webhookUrl,
      notify_emails: JSON.stringify(settings.notifyEmails),
      next_run_at: nextRunAt,
      revision: db.raw('revision + 1'),
      updated_at: db.fn.now(),
    });
}

/**
 * Claims the due occurrence for this process: moves `next_run_at` to `next` only if the schedule is still
 * enabled, still the revision the caller computed `next` from, and still due. Under concurrent claims the
 * row lock serializes the updates and the losers find `next_run_at` already in the future, so exactly one
 * process gets true.
 */
export async function claimDueRun(db: Queryable, revision: number, next: Date | null): Promise<boolean> {
  const claimed = await db('sync_schedule')
    .where({ id: 1, enabled: true, revision })
    .andWhere('next_run_at', '<=', db.fn.now())
    .update({ next_run_at: next });
  return claimed > 0;
}

/**
 * Gives a claimed occurrence back (a run was in progress): it stays due, so the next tick of any process
 * tries again. Nothing happens if the schedule was edited meanwhile; the edit decided the next run.
 */
export async function releaseClaim(db: Queryable, revision: number, dueAt: Date): Promise<void> {
  await db('sync_schedule').where({ id: 1, revision }).update({ next_run_at: dueAt });
}

export async function recordScheduledRun(db: Queryable, runId: string, startedAt: Date): Promise<void> {
  await db('sync_schedule').where({ id: 1 }).update({ last_run_id: runId, last_run_at: startedAt });
}

/**
 * Records that the wait of the occurrence due at `dueAt` was announced; true for the one caller that did it
 * first (the row lock serializes concurrent callers), so the wait is logged once, not on every tick.
 */
export async function announceWait(db: Queryable, dueAt: Date): Promise<boolean> {
  const announced = await db('sync_schedule')
    .where({ id: 1 })
    .andWhere((query) => query.whereNull('wait_announced_for').orWhereNot('wait_announced_for', dueAt))
    .update({ wait_announced_for: dueAt });
  return announced > 0;
}
