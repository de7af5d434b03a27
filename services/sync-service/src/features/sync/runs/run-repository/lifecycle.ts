import type { Queryable } from '../../../../infra/db/queryable';
import { roundTables } from '../../groups/round-repository';
import type { DeletionBlock } from '../../policy';
import { runColumns } from './columns';
import {
  activeStatuses,
  type DeltaPass,
  type MainFailure,
  type NewSyncRun,
  type StoredSelection,
  type SyncRunRow,
  type SyncRunStatus,
} from './run-row';

/** A run's lifecycle: its row created and found, its lease kept, how it ends, and its staging dropped. */

export async function insertRun(db: Queryable, run: NewSyncRun): Promise<SyncRunRow> {
  const [row] = await db('sync_runs')
    .insert({
      status: 'running',
      trigger: run.trigger,
      dry_run: run.dryRun,
      confirm_deletions: run.confirmDeletions,
      selection: JSON.stringify(run.selection),
      requested_by: JSON.stringify(run.requestedBy),
      tenant_id: run.tenantId,
      confirmed_run_id: run.confirmedRunId ?? null,
      started_at: db.fn.now(),
      heartbeat_at: db.fn.now(),
    })
    .returning(runColumns(db));
  return row;
}

export function findRun(db: Queryable, id: string): Promise<SyncRunRow | undefined> {
  return db('sync_runs').where({ id }).first(runColumns(db));
}

/** The full selection, id list included: what a run synchronizes and what a confirmation repeats. */
export async function findSelection(db: Queryable, id: string): Promise<StoredSelection | undefined> {
  const row: { selection: StoredSelection } | undefined = await db('sync_runs')
    .where({ id })
    .first('selection');
  return row?.selection;
}

export function findActiveRun(db: Queryable): Promise<SyncRunRow | undefined> {
  return db('sync_runs').whereIn('status', activeStatuses).first(runColumns(db));
}

export function findConfirmingRun(db: Queryable, blockedRunId: string): Promise<{ id: string } | undefined> {
  return db('sync_runs').where({ confirmed_run_id: blockedRunId }).first('id');
}

export async function recordPass(db: Queryable, runId: string, pass: DeltaPass): Promise<void> {
  await db('sync_runs').where({ id: runId }).update({ pass });
}

/** Keeps the lease: a run whose heartbeat is older than the lease is taken for dead. */
export async function beat(db: Queryable, runId: string): Promise<boolean> {
  const updated = await db('sync_runs')
    .where({ id: runId, status: 'running' })
    .update({ heartbeat_at: db.fn.now() });
  return updated > 0;
}

type RunEnd = {
  status: Exclude<SyncRunStatus, 'queued' | 'running'>;
  error?: string;
  blocked?: DeletionBlock | null;
};

/** Ends a running run and drops its staging; undefined when it no longer ran. */
export async function finishRun(db: Queryable, runId: string, end: RunEnd): Promise<SyncRunRow | undefined> {
  const row = await endRun(db, runId, end);
  if (row) await forgetRunStaging(db, [runId]);
  return row;
}

/** Ends a running run, its staging kept for the caller (a synchronizer may save from it); see finishRun. */
export async function endRun(db: Queryable, runId: string, end: RunEnd): Promise<SyncRunRow | undefined> {
  const [row] = await db('sync_runs')
    .where({ id: runId, status: 'running' })
    .update({
      status: end.status,
      error: end.error ?? null,
      blocked: end.blocked ? JSON.stringify(end.blocked) : null,
      main_failure: mainFailureOfRun(db),
      finished_at: db.fn.now(),
    })
    .returning(runColumns(db));
  return row;
}

const mainFailureQuery = `(
  select jsonb_build_object('code', tally.code, 'message', tally.message, 'count', tally.count)
  from (
    select failure->>'code' as code, min(failure->>'message') as message, count(*)::integer as count
    from (
      select run_id, outcome, failure from sync_run_items
      union all select run_id, outcome, failure from sync_run_group_items
    ) items
    where items.run_id = ?? and outcome = 'failed'
    group by failure->>'code'
    order by count(*) desc, failure->>'code'
    limit 1
  ) tally
)`;

/** The main failure of the run being updated, read from its failed items (null when none failed). */
const mainFailureOfRun = (db: Queryable) => db.raw(mainFailureQuery, ['sync_runs.id']);

/** The main failure of one run so far, and its outcome counters: what decides how a run ends. */
export async function tallyFailures(
  db: Queryable,
  runId: string,
): Promise<{ processed: number; failed: number; mainFailure: MainFailure | null }> {
  const row: { processed: number; failed: number; main_failure: MainFailure | null } = await db('sync_runs')
    .where({ id: runId })
    .first(
      'processed',
      db.raw('failed + group_failed as failed'),
      db.raw(`${mainFailureQuery} as main_failure`, ['sync_runs.id']),
    );
  return { processed: row.processed, failed: row.failed, mainFailure: row.main_failure };
}

/** Every table a run stages in while it runs, by run id (the users', the groups', and their rounds'). */
const runStagingTables = [
  'sync_run_pending',
  'sync_run_directory_users',
  'sync_run_group_staging',
  'sync_run_group_member_staging',
  ...roundTables,
] as const;

/** Staging only matters while a run runs: a run that ended, or was found interrupted, leaves none. */
export async function forgetRunStaging(db: Queryable, runIds: string[]): Promise<void> {
  for (const table of runStagingTables) await db(table).whereIn('run_id', runIds).delete();
}

/** A whole-directory run's groups' round starts: the run covers groups, and reports them. */
export async function markCoversGroups(db: Queryable, runId: string): Promise<void> {
  await db('sync_runs').where({ id: runId }).update({ covers_groups: true });
}

/**
 * Marks runs whose process stopped beating as interrupted, ended at their last heartbeat (the last moment
 * they were known to work, so their duration is not inflated by how long nobody noticed). Their counters
 * already tell the truth: every chunk commits its users, items and counters together, so nothing needs
 * recounting. The mark and the clean-up of the run's staging rows commit together, so a process that dies
 * between them leaves neither half. Answers the ids this call marked: under concurrent calls each run is
 * marked by one of them.
 */
export async function interruptStaleRuns(db: Queryable, leaseSeconds: number): Promise<string[]> {
  return db.transaction(async (trx) => {
    const rows: Array<{ id: string }> = await trx('sync_runs')
      .whereIn('status', activeStatuses)
      .andWhereRaw('heartbeat_at < now() - make_interval(secs => ?)', [leaseSeconds])
      .update({
        status: 'interrupted',
        finished_at: trx.ref('heartbeat_at'),
        main_failure: mainFailureOfRun(trx),
        error: `The process running this sync stopped (no heartbeat for ${leaseSeconds} s). What it applied before is kept and counted.`,
      })
      .returning('id');
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) await forgetRunStaging(trx, ids);
    return ids;
  });
}
