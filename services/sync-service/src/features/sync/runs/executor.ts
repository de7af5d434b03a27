import type { Knex } from 'knex';
import {
  DatabaseLostError,
  isConnectionLost,
  outlastConnectionLoss,
} from '../../../infra/db/connection-loss';
import { DirectoryError } from '../../../infra/directory';
import { type DeletionBlock, deletionBlock, type SyncPolicy } from '../policy';
import { commitChunk } from './chunk-commit';
import { endOfRun } from './end-status';
import { DirectoryRefusedError, type RunContext, type RunExecution, StopRequested } from './run-context';
import {
  applyRetention,
  beat,
  endRun,
  findRun,
  finishRun,
  forgetRunStaging,
  RunLostError,
  type SyncRunRow,
  tallyFailures,
} from './run-repository';
import type { ChunkPlan, StagedDeletions, SynchronizerFactory } from './synchronizer';

export type { RunExecution } from './run-context';

/**
 * Runs one sync to its end: the run's lease and heartbeat, its chunks through the synchronizer, the deletion
 * threshold, how it ends and its history. What is synchronized, and how it is read, is the synchronizer's
 * (see synchronizer.ts); this knows nothing about it.
 */
export async function executeRun<Chunk, Stored, Decision, Plan extends ChunkPlan>(
  execution: RunExecution,
  synchronizerFor: SynchronizerFactory<Chunk, Stored, Decision, Plan>,
): Promise<SyncRunRow | undefined> {
  const { db, run, log } = execution;
  const startedAt = Date.now();
  log.info({ selection: run.selection.kind, dryRun: run.dry_run, trigger: run.trigger }, 'sync run started');
  const lost = new AbortController();
  const finished = new AbortController();
  const signal = AbortSignal.any([execution.shutdown, lost.signal, finished.signal]);
  const heartbeat = setInterval(() => {
    beat(db, run.id)
      .then((alive) => {
        if (!alive) lost.abort();
      })
      .catch((error) => log.warn({ err: error, runId: run.id }, 'sync heartbeat failed'));
  }, execution.heartbeatSeconds * 1000);
  heartbeat.unref();
  const budgetMs = execution.databaseWaitSeconds * 1000;
  const retry = <T>(step: () => Promise<T>) => outlastConnectionLoss(step, { signal, budgetMs });
  const context: RunContext = {
    execution,
    stopIfAsked: () => {
      if (signal.aborted) throw new StopRequested();
    },
    progress: (row) => execution.onProgress(row),
    signal,
    retryOnLostConnection: retry,
  };
  const synchronizer = synchronizerFor(context);
  const commit = (chunk: Chunk) => commitChunk(context, synchronizer, chunk);
  /** Commits each chunk `next` hands out, until it has none. */
  const commitEach = async (next: () => Promise<Chunk | null>) => {
    for (let chunk = await next(); chunk !== null; chunk = await next()) {
      context.stopIfAsked();
      await commit(chunk);
    }
  };

  try {
    const selected = await synchronizer.read(commit);

    const staged = await synchronizer.stagedDeletions(selected);
    const block = run.confirm_deletions ? null : firstBlock(staged, execution.policy);
    const holdBack = block !== null && !run.dry_run;
    await commitEach(() => synchronizer.nextDeletions(holdBack ? 'holdBack' : 'apply'));
    await commitEach(() => synchronizer.nextDeferred());

    await synchronizer.settled();
    const end = endOfRun(holdBack, await tallyFailures(db, run.id), synchronizer.objects);
    const ended = await outlastConnectionLoss(
      () =>
        db.transaction(async (trx) => {
          const row = await endRun(trx, run.id, { ...end, blocked: block });
          // The synchronizers finish from their staging (the groups round saves its nesting), then it goes.
          await synchronizer.finish(trx, { ...end, ended: row !== undefined });
          if (row) await forgetRunStaging(trx, [run.id]);
          return row;
        }),
      // After a drop during COMMIT: the run reads ended if the transaction landed.
      { signal, budgetMs, landed: () => endedRun(db, run.id) },
    );
    if (ended) {
      // The history is trimmed before the end is told, so whoever waited for the run reads it trimmed; a
      // trim that fails leaves the run as it ended (the next run trims again).
      await retry(() => applyRetention(db, execution.policy.retainRuns)).catch((error) =>
        log.error({ err: error }, 'could not trim the history of sync runs'),
      );
      context.progress(ended);
    }
    if (ended)
      log.info(
        {
          objects: synchronizer.objects,
          status: ended.status,
          ...countsOf(ended),
          mainFailure: ended.main_failure,
          durationMs: Date.now() - startedAt,
        },
        'sync run ended',
      );
    return ended;
  } catch (error) {
    await synchronizer.abandon();
    return await endAfterError(execution, error, lost.signal.aborted);
  } finally {
    clearInterval(heartbeat);
    finished.abort();
  }
}

/** The first kind of object whose staged deletions are over the threshold: it holds the whole run back. */
function firstBlock(staged: StagedDeletions[], policy: SyncPolicy): DeletionBlock | null {
  for (const { wouldDelete, selected } of staged) {
    const block = deletionBlock(wouldDelete, selected, policy);
    if (block) return block;
  }
  return null;
}

/** The run, if it has ended. */
async function endedRun(db: Knex, runId: string): Promise<SyncRunRow | undefined> {
  const row = await findRun(db, runId);
  return row && row.status !== 'running' && row.status !== 'queued' ? row : undefined;
}

function countsOf(row: SyncRunRow) {
  const { modified, deleted, duplicated, unchanged, failed } = row;
  return { modified, deleted, duplicated, unchanged, failed };
}

async function endAfterError(
  execution: RunExecution,
  error: unknown,
  lost: boolean,
): Promise<SyncRunRow | undefined> {
  const { db, run, log } = execution;
  if (lost || error instanceof RunLostError) {
    log.warn({ runId: run.id }, 'sync run was declared interrupted by another process; stopping');
    return undefined;
  }
  let end: Parameters<typeof finishRun>[2];
  if (execution.shutdown.aborted) {
    end = {
      status: 'interrupted',
      error: 'The service shut down during the run. What it applied before is kept and counted.',
    };
  } else if (error instanceof DatabaseLostError || isConnectionLost(error)) {
    log.error({ err: error, runId: run.id }, 'sync run stopped: the database connection was lost');
    end = {
      status: 'failed',
      error:
        error instanceof DatabaseLostError
          ? `${error.message} What the run applied before is kept and counted; start it again once the database answers.`
          : 'The database connection was lost. What the run applied before is kept and counted; start it again once the database answers.',
    };
  } else if (error instanceof DirectoryRefusedError) {
    end = { status: 'failed', error: error.message };
  } else if (error instanceof DirectoryError) {
    // The delta round itself failed (after the client's retries): what was read so far is applied, the
    // stored link is left as it was, so the next run reads these changes again.
    end = {
      status: 'failed',
      error: `Reading the directory's changes failed (${error.failure.code}): ${error.failure.message}`,
    };
  } else {
    log.error({ err: error, runId: run.id }, 'sync run failed');
    end = {
      status: 'failed',
      error: 'The run stopped on an unexpected error; the service log has the details.',
    };
  }
  try {
    // The database may be back by now; if it is not, the run's lease runs out and it reads interrupted.
    const ended = await outlastConnectionLoss(() => finishRun(db, run.id, end), {
      budgetMs: execution.databaseWaitSeconds * 1000,
    });
    if (ended) execution.onProgress(ended);
    return ended;
  } catch (finishError) {
    log.error({ err: finishError, runId: run.id }, 'could not record the end of a sync run');
    return undefined;
  }
}
