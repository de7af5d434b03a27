import type { FastifyBaseLogger } from 'fastify';
import type { Knex } from 'knex';
import type { DirectoryFailure, UserLookup } from '../../infra/directory';
import { mapProfile } from '../settings/attribute-mapping';
import type { ActiveDirectory } from '../settings/directory-access';
import { commitBatch, commitDeletions, type RunScope } from './batch-commit';
import { countPending, nextCollisions, nextPending } from './item-repository';
import type { Upstream } from './outcomes';
import { deletionBlock, type SyncPolicy } from './policy';
import {
  applyRetention,
  beat,
  finishRun,
  RunLostError,
  recordSelectedCount,
  type StoredSelection,
  type SyncRunRow,
} from './run-repository';
import { countSelected, type SelectedUser, selectedChunk } from './selection';
import { markSynced } from './user-writes';

export interface RunExecution {
  db: Knex;
  run: SyncRunRow;
  selection: StoredSelection;
  directory: ActiveDirectory;
  policy: SyncPolicy;
  /** Users per chunk: one Graph read (several $batch round trips in parallel) and one transaction. */
  chunkSize: number;
  heartbeatSeconds: number;
  /** Aborted when the service shuts down: the run stops between chunks and reads `interrupted`. */
  shutdown: AbortSignal;
  log: FastifyBaseLogger;
  onProgress(run: SyncRunRow): void;
}

/**
 * Azure AD refused the application itself (bad secret, consent withdrawn): every other user would fail the
 * same way, so the run ends `failed` with the reason instead of recording thousands of failed items.
 */
class DirectoryRefusedError extends Error {
  constructor(readonly failure: DirectoryFailure) {
    super(`Azure AD refused the service (${failure.code}): ${failure.message}`);
  }
}

class StopRequested extends Error {}

export function upstreamOf(lookup: UserLookup | undefined, directory: ActiveDirectory): Upstream {
  if (!lookup) {
    return {
      kind: 'failed',
      failure: { code: 'no_answer', message: 'Azure AD gave no answer for this user.' },
    };
  }
  if (lookup.kind === 'found') return { kind: 'found', profile: mapProfile(lookup.user, directory.mapping) };
  if (lookup.kind === 'notFound') return { kind: 'notFound' };
  return { kind: 'failed', failure: { code: lookup.failure.code, message: lookup.failure.message } };
}

interface ReadChunk {
  upstream: Map<string, Upstream>;
  lastUserId: string;
  isLast: boolean;
}

/**
 * Runs one sync to its end. The selection is streamed by keyset in chunks; reading chunk N+1 from Azure AD
 * overlaps writing chunk N, and no transaction is open while waiting on Graph. Deletions and collisions
 * with users the run may still move are staged in the database and resolved once everything was read.
 */
export async function executeRun(execution: RunExecution): Promise<SyncRunRow | undefined> {
  const { db, run, log } = execution;
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
  };
  const stopIfAsked = () => {
    if (signal.aborted) throw new StopRequested();
  };
  const progress = (row: SyncRunRow) => execution.onProgress(row);
  const stamps = new SyncedStamps(db, run.dry_run);

  try {
    const selected = await countSelected(db, scope.tenantId, execution.selection);
    await recordSelectedCount(db, run.id, selected);
    await readSelection(execution, scope, stamps, stopIfAsked, progress, signal);

    const wouldDelete = await countPending(db, run.id, 'deletion');
    const block = run.confirm_deletions ? null : deletionBlock(wouldDelete, selected, execution.policy);
    const holdBack = block !== null && !run.dry_run;
    for (let pending = await nextPending(db, run.id, 'deletion', execution.chunkSize); pending.length > 0; ) {
      stopIfAsked();
      progress(await commitDeletions(db, scope, pending, holdBack ? 'holdBack' : 'apply'));
      pending = await nextPending(db, run.id, 'deletion', execution.chunkSize);
    }

    for (let pending = await nextCollisions(db, run.id, execution.chunkSize); pending.length > 0; ) {
      stopIfAsked();
      const upstream = new Map<string, Upstream>(
        pending.map((user) => [user.userId, { kind: 'found', profile: user.target }]),
      );
      const committed = await commitBatch(db, scope, upstream, 'retry');
      progress(committed.run);
      await stamps.add(committed.unchanged);
      pending = await nextCollisions(db, run.id, execution.chunkSize);
    }

    await stamps.settled();
    const ended = await finishRun(db, run.id, { status: holdBack ? 'blocked' : 'succeeded', blocked: block });
    if (ended) progress(ended);
    await applyRetention(db, execution.policy.retainRuns);
    return ended;
  } catch (error) {
    await stamps.settled().catch(() => undefined);
    return await endAfterError(execution, error, lost.signal.aborted);
  } finally {
    clearInterval(heartbeat);
    finished.abort();
  }
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
  ) {}

  async add(userIds: string[]): Promise<void> {
    if (this.dryRun || userIds.length === 0) return;
    await this.inFlight;
    this.inFlight = markSynced(this.db, userIds);
    // Reported by the next add() or settled(); until then it must not surface as an unhandled rejection.
    this.inFlight.catch(() => undefined);
  }

  settled(): Promise<void> {
    return this.inFlight;
  }
}

async function readSelection(
  execution: RunExecution,
  scope: RunScope,
  stamps: SyncedStamps,
  stopIfAsked: () => void,
  progress: (row: SyncRunRow) => void,
  signal: AbortSignal,
): Promise<void> {
  const { db, directory, chunkSize } = execution;
  const readChunk = async (afterUserId: string | null): Promise<ReadChunk | null> => {
    const users = await selectedChunk(db, scope.tenantId, execution.selection, afterUserId, chunkSize);
    if (users.length === 0) return null;
    const lookups = await directory.client.readUsersByIds(
      users.map((user) => user.objectId),
      signal,
    );
    stopIfAsked();
    return {
      upstream: upstreamByUser(users, lookups, directory),
      lastUserId: users[users.length - 1].id,
      isLast: users.length < chunkSize,
    };
  };
  // A read that fails while the previous chunk is being written is reported by the next await, not lost.
  const ahead = (promise: Promise<ReadChunk | null>) => {
    promise.catch(() => undefined);
    return promise;
  };

  let next = ahead(readChunk(null));
  for (;;) {
    const chunk = await next;
    if (!chunk) return;
    next = ahead(chunk.isLast ? Promise.resolve(null) : readChunk(chunk.lastUserId));
    stopIfAsked();
    const committed = await commitBatch(db, scope, chunk.upstream, 'read');
    progress(committed.run);
    await stamps.add(committed.unchanged);
  }
}

function upstreamByUser(
  users: SelectedUser[],
  lookups: Map<string, UserLookup>,
  directory: ActiveDirectory,
): Map<string, Upstream> {
  const upstream = new Map<string, Upstream>();
  for (const user of users) {
    const lookup = lookups.get(user.objectId) ?? lookups.get(user.objectId.toLowerCase());
    if (lookup?.kind === 'failed' && lookup.failure.category === 'configuration') {
      throw new DirectoryRefusedError(lookup.failure);
    }
    upstream.set(user.id, upstreamOf(lookup, directory));
  }
  return upstream;
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
  } else if (error instanceof DirectoryRefusedError) {
    end = { status: 'failed', error: error.message };
  } else {
    log.error({ err: error, runId: run.id }, 'sync run failed');
    end = {
      status: 'failed',
      error: 'The run stopped on an unexpected error; the service log has the details.',
    };
  }
  try {
    const ended = await finishRun(db, run.id, end);
    if (ended) execution.onProgress(ended);
    return ended;
  } catch (finishError) {
    log.error({ err: finishError, runId: run.id }, 'could not record the end of a sync run');
    return undefined;
  }
}
