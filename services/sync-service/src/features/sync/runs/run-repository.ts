import type { Queryable } from '../../../infra/db/queryable';
import { decodeCursor, encodeCursor, isTimestamp, isUuid } from '../../../infra/http/cursor';
import type { RunRequester } from '../../auth/identity';
import { forgetStagedMembers } from '../groups/member-staging-repository';
import { forgetRounds } from '../groups/round-repository';
import type { DeletionBlock } from '../policy';
import type { OutcomeCounts, SyncOutcome } from './outcomes';

/** The run a re-run took its users from, and the outcomes it took. */
export interface RunOrigin {
  runId: string;
  outcomes: SyncOutcome[];
}

/** What a run was asked to synchronize; stored so a blocked run can be confirmed with the same selection. */
export type StoredSelection =
  | { kind: 'userIds'; userIds: string[]; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatching'; search: string }
  /** Every imported user of the tenant, read with Graph's delta query; `fullPass` ignores the stored link. */
  | { kind: 'wholeDirectory'; fullPass: boolean }
  | GroupSelection;

/** Imported groups to synchronize: chosen by id, or all whose name matches a search. */
export type GroupSelection =
  | { kind: 'groupIds'; groupIds: string[]; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatchingGroups'; search: string };

/** What a run of users synchronizes. */
export type UserSelection = Exclude<StoredSelection, GroupSelection>;

/** Whether a run synchronizes imported groups (its other selections are of users). */
export const isGroupSelection = (selection: { kind: string }): selection is GroupSelection =>
  selection.kind === 'groupIds' || selection.kind === 'allMatchingGroups';

/** The selection as runs are read for display: a list of up to 10,000 ids is not fetched on every poll. */
export type SelectionSummary =
  | { kind: 'userIds'; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatching'; search: string }
  | { kind: 'wholeDirectory'; fullPass: boolean }
  | { kind: 'groupIds'; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatchingGroups'; search: string };

export type SyncTrigger = 'manual' | 'scheduled';

/** `full`: the round enumerated the whole directory; `incremental`: only the changes since the stored link. */
export type DeltaPass = 'full' | 'incremental';

export type SyncRunStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'partial'
  | 'failed'
  | 'blocked'
  | 'interrupted';

/** The most common reason among a run's failed users, and how many users it failed. */
export interface MainFailure {
  code: string;
  /** One user's message for this code (messages may name the user's attribute). */
  message: string;
  count: number;
}

export const activeStatuses: ReadonlyArray<SyncRunStatus> = ['queued', 'running'];

export interface SyncRunRow {
  id: string;
  status: SyncRunStatus;
  trigger: SyncTrigger;
  pass: DeltaPass | null;
  dry_run: boolean;
  confirm_deletions: boolean;
  selection: SelectionSummary;
  selected_count: number;
  requested_by: RunRequester;
  processed: number;
  total: number;
  modified: number;
  deleted: number;
  duplicated: number;
  unchanged: number;
  failed: number;
  members_added: number;
  members_removed: number;
  users_created: number;
  members_ignored: number;
  group_modified: number;
  group_deleted: number;
  group_duplicated: number;
  group_unchanged: number;
  group_failed: number;
  /** A whole-directory run whose groups' round ran (the tenant had imported groups). */
  covers_groups: boolean;
  blocked: DeletionBlock | null;
  error: string | null;
  main_failure: MainFailure | null;
  confirmed_run_id: string | null;
  tenant_id: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date;
}

export interface NewSyncRun {
  selection: StoredSelection;
  dryRun: boolean;
  confirmDeletions: boolean;
  requestedBy: RunRequester;
  tenantId: string;
  trigger: SyncTrigger;
  confirmedRunId?: string;
}

/** The unique partial index that lets only one run be queued or running across all processes. */
export const oneActiveRunIndex = 'sync_runs_one_active';

/** Every column, with the selection's id list left out. */
const runColumns = (db: Queryable) => [
  ...[
    'id',
    'status',
    'trigger',
    'pass',
    'dry_run',
    'confirm_deletions',
    'selected_count',
    'requested_by',
    'processed',
    'total',
    'modified',
    'deleted',
    'duplicated',
    'unchanged',
    'failed',
    'members_added',
    'members_removed',
    'users_created',
    'members_ignored',
    'group_modified',
    'group_deleted',
    'group_duplicated',
    'group_unchanged',
    'group_failed',
    'covers_groups',
    'blocked',
    'error',
    'main_failure',
    'confirmed_run_id',
    'tenant_id',
    'created_at',
    'started_at',
    'finished_at',
    'heartbeat_at',
  ],
  db.raw("selection - 'userIds' - 'groupIds' as selection"),
];

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

export function findLastFinishedRun(db: Queryable): Promise<SyncRunRow | undefined> {
  return db('sync_runs')
    .select(runColumns(db))
    .whereNotIn('status', activeStatuses)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
}

export function findConfirmingRun(db: Queryable, blockedRunId: string): Promise<{ id: string } | undefined> {
  return db('sync_runs').where({ confirmed_run_id: blockedRunId }).first('id');
}

export interface RunHistoryFilter {
  statuses?: SyncRunStatus[];
  triggers?: SyncTrigger[];
  /** Runs created at or after this instant. */
  from?: string;
  /** Runs created before this instant. */
  to?: string;
  /** The requester's id, or its name (case-insensitive). */
  requestedBy?: string;
}

/**
 * Newest first, by keyset on (created_at, id). Filters only drop rows from the walk along the
 * (created_at desc, id desc) index, so the cursor stays correct under any of them.
 */
export async function listRuns(db: Queryable, limit: number, cursor?: string, filter: RunHistoryFilter = {}) {
  const after = decodeCursor(cursor, 2, ([createdAt, id]) => isTimestamp(createdAt) && isUuid(id));
  const rows: SyncRunRow[] = await db('sync_runs')
    .select(runColumns(db))
    .modify((query) => {
      if (after) query.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', after);
      if (filter.statuses?.length) query.whereIn('status', filter.statuses);
      if (filter.triggers?.length) query.whereIn('trigger', filter.triggers);
      if (filter.from) query.whereRaw('created_at >= ?::timestamptz', [filter.from]);
      if (filter.to) query.whereRaw('created_at < ?::timestamptz', [filter.to]);
      const requester = filter.requestedBy?.trim();
      if (requester)
        query.where((who) =>
          who
            .whereRaw("requested_by->>'id' = ?", [requester])
            .orWhereRaw("lower(requested_by->>'name') = lower(?)", [requester]),
        );
    })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
  };
}

/** Raised when a run is no longer this process's to write: another process declared it interrupted. */
export class RunLostError extends Error {
  constructor(runId: string) {
    super(`Sync run ${runId} is no longer running here`);
  }
}

/**
 * Adds one chunk's outcomes to the run, in the chunk's transaction, so the counters always equal what was
 * committed. Fails when the run is no longer running, which rolls the chunk back.
 */
export async function addOutcomes(
  db: Queryable,
  runId: string,
  counts: OutcomeCounts,
  processed: number,
  commitMark: string,
  ledger?: 'groups',
): Promise<SyncRunRow> {
  // A whole-directory run counts its groups apart from its users (migration 018).
  const column = (outcome: keyof OutcomeCounts) => (ledger === 'groups' ? `group_${outcome}` : outcome);
  const outcomes = Object.fromEntries(
    (Object.keys(counts) as Array<keyof OutcomeCounts>).map((outcome) => [
      column(outcome),
      db.raw('?? + ?', [column(outcome), counts[outcome]]),
    ]),
  );
  const [row] = await db('sync_runs')
    .where({ id: runId, status: 'running' })
    .update({
      last_commit: commitMark,
      processed: db.raw('processed + ?', [processed]),
      total: db.raw('greatest(total, processed + ?)', [processed]),
      ...outcomes,
      heartbeat_at: db.fn.now(),
    })
    .returning(runColumns(db));
  if (!row) throw new RunLostError(runId);
  return row;
}

/** The run as its chunk marked `commitMark` left it, if that chunk is the last one committed. */
export function findRunCommitted(
  db: Queryable,
  runId: string,
  commitMark: string,
): Promise<SyncRunRow | undefined> {
  return db('sync_runs').where({ id: runId, last_commit: commitMark }).first(runColumns(db));
}

/** `total` is the selection unless the run only learns its work as it goes (an incremental pass). */
export async function recordSelectedCount(
  db: Queryable,
  runId: string,
  selected: number,
  total: number = selected,
): Promise<void> {
  await db('sync_runs').where({ id: runId }).update({ selected_count: selected, total });
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

/** Staging only matters while a run runs. */
export async function forgetRunStaging(db: Queryable, runIds: string[]): Promise<void> {
  await db('sync_run_pending').whereIn('run_id', runIds).delete();
  await db('sync_run_directory_users').whereIn('run_id', runIds).delete();
  await forgetRounds(db, runIds);
  await forgetStagedMembers(db, runIds);
}

/** A part of the run that learns its work once its own read is done (the groups round) adds it to the total. */
export async function addToTotal(db: Queryable, runId: string, more: number): Promise<void> {
  await db('sync_runs')
    .where({ id: runId })
    .update({ total: db.raw('total + ?', [more]) });
}

/** A whole-directory run's groups' round starts: the run covers groups, and reports them. */
export async function markCoversGroups(db: Queryable, runId: string): Promise<void> {
  await db('sync_runs').where({ id: runId }).update({ covers_groups: true });
}

/**
 * Marks runs whose process stopped beating as interrupted, ended at their last heartbeat (the last moment
 * they were known to work, so their duration is not inflated by how long nobody noticed). Their counters
 * already tell the truth: every chunk commits its users, items and counters together, so nothing needs
 * recounting. Answers the ids this call marked: under concurrent calls each run is marked by one of them.
 */
export async function interruptStaleRuns(db: Queryable, leaseSeconds: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await db('sync_runs')
    .whereIn('status', activeStatuses)
    .andWhereRaw('heartbeat_at < now() - make_interval(secs => ?)', [leaseSeconds])
    .update({
      status: 'interrupted',
      finished_at: db.ref('heartbeat_at'),
      main_failure: mainFailureOfRun(db),
      error: `The process running this sync stopped (no heartbeat for ${leaseSeconds} s). What it applied before is kept and counted.`,
    })
    .returning('id');
  const ids = rows.map((row) => row.id);
  if (ids.length > 0) await forgetRunStaging(db, ids);
  return ids;
}

/** Keeps the newest `retainRuns` finished runs (their items go with them). */
export async function applyRetention(db: Queryable, retainRuns: number): Promise<number> {
  return db('sync_runs')
    .whereIn(
      'id',
      db('sync_runs')
        .select('id')
        .whereNotIn('status', activeStatuses)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .offset(retainRuns),
    )
    .delete();
}
