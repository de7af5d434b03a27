import type { Queryable } from '../../../../infra/db/queryable';
import type { OutcomeCounts } from '../outcomes';
import { runColumns } from './columns';
import type { SyncRunRow } from './run-row';

/** A running run's counters and progress: what each committed chunk adds, and how much work there is. */

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

/** A part of the run that learns its work once its own read is done (the groups round) adds it to the total. */
export async function addToTotal(db: Queryable, runId: string, more: number): Promise<void> {
  await db('sync_runs')
    .where({ id: runId })
    .update({ total: db.raw('total + ?', [more]) });
}
