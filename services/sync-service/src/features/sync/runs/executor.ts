import type { Knex } from 'knex';
import {
  DatabaseLostError,
  isConnectionLost,
  outlastConnectionLoss,
} from '../../../infra/db/connection-loss';
import { DirectoryError } from '../../../infra/directory';
import { markSynced } from '../../users/repository';
import { deletionBlock } from '../policy';
import { commitBatch, commitDeletions, type RunScope } from '../users/batch-commit';
import { saveDeltaLink } from '../users/delta-link-repository';
import { readWholeDirectory } from '../users/delta-pass';
import { dropPlannedKeys } from '../users/dry-run-keys';
import type { Upstream } from '../users/outcomes';
import { countSelected, selectedChunk } from '../users/selection';
import { endOfRun } from './end-status';
import { countPending, hasUnreadUsers, nextCollisions, nextPending } from './item-repository';
import {
  DirectoryRefusedError,
  type RunContext,
  type RunExecution,
  readUsersByIdChunks,
  StopRequested,
} from './run-context';
import {
  applyRetention,
  beat,
  findRun,
  finishRun,
  RunLostError,
  recordSelectedCount,
  type SyncRunRow,
  tallyFailures,
} from './run-repository';

export type { RunExecution } from './run-context';

/** What the reading phase leaves for the end of the run. */
interface ReadResult {
  /** Imported users the run covers: what the deletion threshold compares with. */
  selected: number;
  /** A delta round's link, stored only if the run ends `succeeded` for real. */
  deltaLink: string | null;
}

/**
 * Runs one sync to its end. Reading differs by selection (chosen users by id, or the whole directory with
 * Graph's delta query); deciding, committing, the deletion threshold and collisions are the same code.
 * Deletions and collisions with users the run may still move are staged in the database and resolved once
 * everything was read.
 */
export async function executeRun(execution: RunExecution): Promise<SyncRunRow | undefined> {
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
  const scope: RunScope = {
    runId: run.id,
    tenantId: execution.directory.tenantId,
    dryRun: run.dry_run,
    keepUnchangedItems: execution.policy.keepUnchangedItems,
    upstreamDeletion: execution.policy.upstreamDeletion,
    accountState: execution.policy.accountState,
    signal,
    databaseWaitMs: execution.databaseWaitSeconds * 1000,
  };
  const budgetMs = execution.databaseWaitSeconds * 1000;
  const retry = <T>(step: () => Promise<T>) => outlastConnectionLoss(step, { signal, budgetMs });
  const stamps = new SyncedStamps(db, run.dry_run, retry);
  const context: RunContext = {
    execution,
    scope,
    stampSynced: (userIds) => stamps.add(userIds),
    stopIfAsked: () => {
      if (signal.aborted) throw new StopRequested();
    },
    progress: (row) => execution.onProgress(row),
    signal,
    retryOnLostConnection: retry,
  };

  try {
    const read = await readSelection(context);

    const wouldDelete = await retry(() => countPending(db, run.id, 'deletion'));
    const block = run.confirm_deletions ? null : deletionBlock(wouldDelete, read.selected, execution.policy);
    const holdBack = block !== null && !run.dry_run;
    const nextDeletions = () => retry(() => nextPending(db, run.id, 'deletion', execution.chunkSize));
    for (let pending = await nextDeletions(); pending.length > 0; ) {
      context.stopIfAsked();
      context.progress(await commitDeletions(db, scope, pending, holdBack ? 'holdBack' : 'apply'));
      pending = await nextDeletions();
    }

    const nextDeferred = () => retry(() => nextCollisions(db, run.id, execution.chunkSize));
    for (let pending = await nextDeferred(); pending.length > 0; ) {
      context.stopIfAsked();
      const upstream = new Map<string, Upstream>(
        // The collision kept the profile only: the retry leaves the user's state as it is (see changesOf).
        pending.map((user) => [user.userId, { kind: 'found', profile: user.target, accountEnabled: null }]),
      );
      const committed = await commitBatch(db, scope, upstream, 'retry');
      context.progress(committed.run);
      await stamps.add(committed.unchanged);
      pending = await nextDeferred();
    }

    await stamps.settled();
    const end = endOfRun(holdBack, await tallyFailures(db, run.id));
    // The link moves on only with a run that applied everything it was told: a blocked run's deletions, a dry
    // run's changes, users that failed or Graph failed to confirm must be reported again to the next run.
    const link =
      end.status === 'succeeded' &&
      !run.dry_run &&
      read.deltaLink &&
      !(await retry(() => hasUnreadUsers(db, run.id)))
        ? read.deltaLink
        : null;
    const ended = await outlastConnectionLoss(
      () =>
        db.transaction(async (trx) => {
          const row = await finishRun(trx, run.id, { ...end, blocked: block });
          if (row && link) await saveDeltaLink(trx, scope.tenantId, link);
          // In the run's last transaction: nobody sees the run ended with its planned keys still there.
          if (run.dry_run) await dropPlannedKeys(trx, run.id);
          return row;
        }),
      // After a drop during COMMIT: the run reads ended if the transaction landed.
      { signal, budgetMs, landed: () => endedRun(db, run.id) },
    );
    if (ended) context.progress(ended);
    if (ended)
      log.info(
        {
          status: ended.status,
          ...countsOf(ended),
          mainFailure: ended.main_failure,
          durationMs: Date.now() - startedAt,
        },
        'sync run ended',
      );
    await retry(() => applyRetention(db, execution.policy.retainRuns));
    return ended;
  } catch (error) {
    await stamps.settled().catch(() => undefined);
    if (run.dry_run) await dropPlannedKeys(db, run.id).catch(() => undefined);
    return await endAfterError(execution, error, lost.signal.aborted);
  } finally {
    clearInterval(heartbeat);
    finished.abort();
  }
}

async function readSelection(context: RunContext): Promise<ReadResult> {
  const { db, run, selection } = context.execution;
  const { tenantId } = context.scope;
  if (selection.kind === 'wholeDirectory') return readWholeDirectory(context, selection);
  const selected = await context.retryOnLostConnection(async () => {
    const count = await countSelected(db, tenantId, selection);
    await recordSelectedCount(db, run.id, count);
    return count;
  });
  await readUsersByIdChunks(context, (afterUserId, size) =>
    selectedChunk(db, tenantId, selection, afterUserId, size),
  );
  return { selected, deltaLink: null };
}

/**
 * Stamps lastSyncedAt of unchanged users beside the chunks' transactions: one chunk's stamp runs while the
 * next chunk is read and written, and a chunk waits for the stamp before it, so stamps never pile up in
 * memory when the database is the slower side.
 */
class SyncedStamps {
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly dryRun: boolean,
    private readonly retry: <T>(step: () => Promise<T>) => Promise<T>,
  ) {}

  async add(userIds: string[]): Promise<void> {
    if (this.dryRun || userIds.length === 0) return;
    await this.inFlight;
    this.inFlight = this.retry(() => markSynced(this.db, userIds));
    // Reported by the next add() or settled(); until then it must not surface as an unhandled rejection.
    this.inFlight.catch(() => undefined);
  }

  settled(): Promise<void> {
    return this.inFlight;
  }
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
