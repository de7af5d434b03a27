import { randomUUID } from 'node:crypto';
import { outlastConnectionLoss } from '../../../infra/db/connection-loss';
import type { RunContext } from './run-context';
import { addOutcomes, findRunCommitted, type SyncRunRow } from './run-repository';
import type { ChunkPlan, Synchronizer } from './synchronizer';

/** A chunk the database refused is judged again at most this often before the run fails on it. */
const judgements = 3;

/**
 * Loads, decides, plans and applies one chunk, and adds its tally to the run, all in one transaction, so a
 * process killed at any moment leaves whole objects and true counts. The transaction runs again on a new
 * connection if the connection drops (see outlastConnectionLoss); it marks the run row with a fresh mark, so
 * that after a drop during COMMIT the chunk is committed again only if its mark is not there: never counted
 * twice.
 */
export async function commitChunk<Chunk, Stored, Decision, Plan extends ChunkPlan>(
  context: RunContext,
  synchronizer: Synchronizer<Chunk, Stored, Decision, Plan>,
  chunk: Chunk,
): Promise<void> {
  const { db, run } = context.execution;
  for (let attempt = 1; ; attempt += 1) {
    const commitMark = randomUUID();
    try {
      const committed = await outlastConnectionLoss<{ row: SyncRunRow; plan: Plan | null }>(
        () =>
          db.transaction(async (trx) => {
            const stored = await synchronizer.load(trx, chunk);
            const plan = synchronizer.plan(chunk, stored, synchronizer.decide(chunk, stored));
            await synchronizer.apply(trx, plan);
            const { outcomes, processed } = plan.tally;
            return { row: await addOutcomes(trx, run.id, outcomes, processed, commitMark), plan };
          }),
        {
          signal: context.signal,
          budgetMs: context.execution.databaseWaitSeconds * 1000,
          landed: async () => {
            const row = await findRunCommitted(db, run.id, commitMark);
            return row && { row, plan: null };
          },
        },
      );
      context.progress(committed.row);
      await synchronizer.committed(committed.plan);
      return;
    } catch (error) {
      if (attempt >= judgements || !synchronizer.judgeAgain(error)) throw error;
    }
  }
}
