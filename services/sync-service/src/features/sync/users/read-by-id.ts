import { isAccessFailure, type UserLookup } from '../../../infra/directory';
import type { ActiveDirectory } from '../../settings/connection-repository';
import { mapProfile } from '../../users/profile-fields';
import { DirectoryRefusedError, type RunContext } from '../runs/run-context';
import type { Upstream } from './outcomes';
import type { UsersChunk } from './plan';
import type { SelectedUser } from './selection';

/** Hands one chunk to the run, which decides, plans and applies it in one transaction. */
export type CommitUsers = (chunk: UsersChunk) => Promise<void>;

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
  commit: CommitUsers,
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
    await commit({ phase: 'read', upstream: chunk.upstream });
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
