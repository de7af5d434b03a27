import type { FastifyBaseLogger } from 'fastify';
import type { Knex } from 'knex';
import { type DirectoryFailure, isAccessFailure, type UserLookup } from '../../../infra/directory';
import type { ActiveDirectory } from '../../settings/connection-repository';
import { mapProfile } from '../../users/profile-fields';
import type { SyncPolicy } from '../policy';
import { type BatchPhase, commitBatch, type RunScope } from '../users/batch-commit';
import type { Upstream } from '../users/outcomes';
import type { SelectedUser } from '../users/selection';
import type { StoredSelection, SyncRunRow } from './run-repository';

export interface RunExecution {
  db: Knex;
  run: SyncRunRow;
  selection: StoredSelection;
  directory: ActiveDirectory;
  policy: SyncPolicy;
  /** Users per chunk: one Graph read (several $batch round trips in parallel) and one transaction. */
  chunkSize: number;
  heartbeatSeconds: number;
  /** How long a database step keeps trying on new connections before the run ends failed (DatabaseLostError). */
  databaseWaitSeconds: number;
  /** Aborted when the service shuts down: the run stops between chunks and reads `interrupted`. */
  shutdown: AbortSignal;
  log: FastifyBaseLogger;
  onProgress(run: SyncRunRow): void;
}

/** What the reading phases of a run share: where to write, how to report, when to stop. */
export interface RunContext {
  execution: RunExecution;
  scope: RunScope;
  /** Stamps lastSyncedAt of users found unchanged, beside the chunks' transactions. */
  stampSynced(userIds: string[]): Promise<void>;
  /** Throws StopRequested once the run must stop (shutdown, lease lost). */
  stopIfAsked(): void;
  progress(run: SyncRunRow): void;
  signal: AbortSignal;
  /**
   * Runs a database step that is safe to repeat (a read, an idempotent write) again on a new connection if
   * the connection drops; a loss longer than the run waits ends the run with DatabaseLostError.
   */
  retryOnLostConnection<T>(step: () => Promise<T>): Promise<T>;
}

/**
 * Azure AD refused the application itself (bad secret, consent withdrawn), or no access token could be had
 * (Entra ID down): every other user would fail the same way, so the run ends `failed` with the reason
 * instead of recording thousands of failed items.
 */
export class DirectoryRefusedError extends Error {
  constructor(readonly failure: DirectoryFailure) {
    super(
      failure.category === 'configuration'
        ? `Azure AD refused the service (${failure.code}): ${failure.message}`
        : `Azure AD issued no access token (${failure.code}): ${failure.message}`,
    );
  }
}

export class StopRequested extends Error {}

export function upstreamOf(lookup: UserLookup | undefined, directory: ActiveDirectory): Upstream {
  if (!lookup) {
    return {
      kind: 'failed',
      failure: { code: 'no_answer', message: 'Azure AD gave no answer for this user.' },
    };
  }
  if (lookup.kind === 'found') {
    const { user } = lookup;
    return {
      kind: 'found',
      profile: mapProfile(user, directory.mapping),
      accountEnabled: user.accountEnabled,
    };
  }
  if (lookup.kind === 'notFound') return { kind: 'notFound' };
  return { kind: 'failed', failure: { code: lookup.failure.code, message: lookup.failure.message } };
}

/** Commits one batch of upstream answers and reports it: the step every reading phase ends with. */
export async function commitRead(
  context: RunContext,
  upstream: Map<string, Upstream>,
  phase: Extract<BatchPhase, 'read' | 'replay'> = 'read',
): Promise<void> {
  const committed = await commitBatch(context.execution.db, context.scope, upstream, phase);
  context.progress(committed.run);
  await context.stampSynced(committed.unchanged);
}

interface ReadChunk {
  upstream: Map<string, Upstream>;
  lastUserId: string;
  isLast: boolean;
}

/**
 * Reads imported users by object id, chunk after chunk from `nextChunk` (a keyset walk on the user id), and
 * commits each chunk. Reading chunk N+1 from Azure AD overlaps writing chunk N; no transaction is open while
 * waiting on Graph. Only Graph's 404 for an id makes a deletion candidate (readUsersByIds guarantees it).
 */
export async function readUsersByIdChunks(
  context: RunContext,
  nextChunk: (afterUserId: string | null, size: number) => Promise<SelectedUser[]>,
): Promise<void> {
  const { directory, chunkSize } = context.execution;
  const readChunk = async (afterUserId: string | null): Promise<ReadChunk | null> => {
    const users = await context.retryOnLostConnection(() => nextChunk(afterUserId, chunkSize));
    if (users.length === 0) return null;
    const lookups = await directory.client.readUsersByIds(
      users.map((user) => user.objectId),
      context.signal,
      context.execution.run.id,
    );
    context.stopIfAsked();
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
    context.stopIfAsked();
    await commitRead(context, chunk.upstream);
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
    upstream.set(user.id, upstreamOfRead(lookup, directory));
  }
  return upstream;
}

/** A user read by id: a failure for want of access ends the run (DirectoryRefusedError). */
export function upstreamOfRead(lookup: UserLookup | undefined, directory: ActiveDirectory): Upstream {
  if (lookup?.kind === 'failed' && isAccessFailure(lookup.failure)) {
    throw new DirectoryRefusedError(lookup.failure);
  }
  return upstreamOf(lookup, directory);
}
