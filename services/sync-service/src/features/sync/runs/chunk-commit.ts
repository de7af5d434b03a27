import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { outlastConnectionLoss } from '../../../infra/db/connection-loss';
import type { RunContext } from './run-context';
import { addOutcomes, findRunCommitted, type SyncRunRow } from './run-repository';
import type { ChunkPlan, ChunkTally, Synchronizer } from './synchronizer';

/** A chunk the database refused is judged again at most this often before the run fails on it. */
const judgements = 3;

/**
 * Loads, decides, plans and applies one chunk, and adds its tally to the run, all in one transaction, so a
 * process killed at any moment leaves whole objects and true counts (see commitTallied).
 */
export async function commitChunk<Chunk, Stored, Decision, Plan extends ChunkPlan>(
  context: RunContext,
  synchronizer: Synchronizer<Chunk, Stored, Decision, Plan>,
  chunk: Chunk,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const plan = await commitTallied(context, async (trx) => {
        const stored = await synchronizer.load(trx, chunk);
        const planned = synchronizer.plan(chunk, stored, synchronizer.decide(chunk, stored));
        await synchronizer.apply(trx, planned);
        return { tally: planned.tally, result: planned };
      });
      await synchronizer.committed(plan);
      return;
    } catch (error) {
      if (attempt >= judgements || !synchronizer.judgeAgain(error)) throw error;
    }
  }
}

/**
 * Runs `work` and adds the tally it answers to the run in one transaction, and reports the run's progress.
 * The transaction runs again on a new connection if the connection drops (see outlastConnectionLoss); it
 * marks the run row with a fresh mark, so that after a drop during COMMIT it is run again only if its mark is
 * not there: never counted twice. Answers what `work` answered, or null when it found the commit had landed.
 */
export async function commitTallied<T>(
  context: RunContext,
  work: (trx: Knex.Transaction) => Promise<{ tally: ChunkTally; result: T }>,
): Promise<T | null> {
  const { db, run } = context.execution;
  const commitMark = randomUUID();
  const committed = await outlastConnectionLoss<{ row: SyncRunRow; result: T | null }>(
    () =>
      db.transaction(async (trx) => {
        const { tally, result } = await work(trx);
        const { outcomes, processed, ledger } = tally;
        return { row: await addOutcomes(trx, run.id, outcomes, processed, commitMark, ledger), result };
      }),
    {
      signal: context.signal,
      budgetMs: context.execution.databaseWaitSeconds * 1000,
      landed: async () => {
        const row = await findRunCommitted(db, run.id, commitMark);
        return row && { row, result: null };
      },
    },
  );
  context.progress(committed.row);
  return committed.result;
}
