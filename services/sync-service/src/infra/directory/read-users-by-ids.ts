import { createHash, randomUUID } from 'node:crypto';
import {
  type BatchGet,
  type BatchItemOutcome,
  exchangeBatch,
  graphCodeOf,
  IDS_PER_FILTER,
  MAX_BATCH_REQUESTS,
  valuesOf,
} from './batch-exchange';
import { chunksOf, forEachBounded } from './bounded-pool';
import type { DirectoryFailure, UserLookup } from './directory-types';
import { type DirectoryUserEntry, isObjectId, odataString, type UserReading } from './directory-user';
import { classifyFailure, toDirectoryFailure } from './failure-classification';
import type { GraphSession } from './graph-session';

/**
 * Extra filter requests (1 RU each) one read may spend isolating failing objects: as many as its first pass
 * sent, and at least 16, so that two broken objects in one group of 15 are always isolated (one costs 8).
 */
export function splitBudget(firstPassRequests: number): number {
  return Math.max(16, firstPassRequests);
}

/**
 * Reads users by object id. Phase 1 asks `$filter=id in (15 ids)` items, 20 per `$batch` (300 ids
 * per round trip). The ids are shuffled first (by `seed`, random when none), so that a group that fails
 * holds other neighbours on the next run. A group Graph keeps failing with an answer of its own (an error
 * status that is neither throttling nor a refusal of the application) is split in halves and asked again,
 * down to single ids, within `splitBudget`: one broken object fails alone, not its 14 neighbours.
 * An id missing from a filter answer is only a candidate for deletion: `/users` is
 * eventually consistent and a filter answer proves nothing about one id. Phase 2 therefore asks
 * `GET /users/{id}` for each candidate (batched too), and only Graph's 404 Request_ResourceNotFound
 * becomes `notFound`. Every other outcome is `failed`, so a caller can never delete on a failure.
 * A user whose attributes cannot be stored is `failed` with `invalid_value` (see UserReading.read).
 */
export async function readUsersByIds(
  session: GraphSession,
  ids: string[],
  signal?: AbortSignal,
  seed?: string,
): Promise<Map<string, UserLookup>> {
  const lookups = new Map<string, UserLookup>();
  // Graph answers lower-case ids; answers are keyed back to the caller's spelling.
  const requested = new Map<string, string>();
  for (const id of ids) {
    if (lookups.has(id) || requested.has(id.toLowerCase())) continue;
    if (isObjectId(id)) requested.set(id.toLowerCase(), id);
    else lookups.set(id, failedLookup('invalid_object_id', `'${id}' is not an Entra object id.`));
  }

  const candidates: string[] = [];
  let groups = filterGroups([...requested.keys()], seed);
  let budget = splitBudget(groups.length);
  while (groups.length > 0) {
    const retry: string[][] = [];
    await forEachBounded(chunksOf(groups, MAX_BATCH_REQUESTS), session.concurrency, async (batch) => {
      const requests: BatchGet[] = batch.map((group, index) => ({
        id: String(index),
        url: `/users?$filter=${encodeURIComponent(`id in (${group.map(odataString).join(',')})`)}&$select=${session.users.select}`,
      }));
      const outcomes = await exchangeBatch(session, requests, signal);
      batch.forEach((group, index) => {
        const outcome = outcomes.get(String(index));
        if (outcome?.kind === 'answered' && outcome.status === 200) {
          const found = new Set<string>();
          for (const raw of valuesOf(outcome.body)) {
            const entry = session.users.read(raw);
            const original = entry && requested.get(idOf(entry).toLowerCase());
            if (!entry || !original) continue;
            found.add(idOf(entry).toLowerCase());
            lookups.set(original, lookupOf(entry));
          }
          for (const id of group) if (!found.has(id)) candidates.push(id);
          return;
        }
        if (group.length > 1 && budget >= 2 && isObjectSpecific(outcome)) {
          budget -= 2;
          const half = Math.ceil(group.length / 2);
          retry.push(group.slice(0, half), group.slice(half));
          return;
        }
        const failure = failureOfAnswer(outcome);
        for (const id of group) lookups.set(requested.get(id)!, { kind: 'failed', failure });
      });
    });
    if (retry.length > 0) {
      session.logger.debug({ groups: retry.length, budgetLeft: budget }, 'Splitting failing id groups');
    }
    groups = retry;
  }

  await forEachBounded(chunksOf(candidates, MAX_BATCH_REQUESTS), session.concurrency, async (group) => {
    const requests = group.map((id, index) => ({
      id: String(index),
      url: `/users/${id}?$select=${session.users.select}`,
    }));
    const outcomes = await exchangeBatch(session, requests, signal);
    group.forEach((id, index) => {
      lookups.set(requested.get(id)!, confirmation(session.users, outcomes.get(String(index))));
    });
  });
  return lookups;
}

/**
 * Whether a failed filter item may be the fault of one of its objects: Graph answered that item with an
 * error of its own. Throttling, refusals of the application (401/403) and batches that failed as a whole
 * are the same for every group and are not split.
 */
function isObjectSpecific(outcome: BatchItemOutcome | undefined): boolean {
  return (
    outcome?.kind === 'answered' &&
    outcome.status >= 400 &&
    outcome.status !== 401 &&
    outcome.status !== 403 &&
    outcome.status !== 429
  );
}

/** The ids cut into `id in (...)` groups after a shuffle fixed by `seed` (Fisher-Yates over a seeded PRNG). */
export function filterGroups(ids: readonly string[], seed: string = randomUUID()): string[][] {
  const order = [...ids];
  const next = mulberry32(createHash('sha256').update(seed).digest().readUInt32LE(0));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return [...chunksOf(order, IDS_PER_FILTER)];
}

function mulberry32(state: number): () => number {
  let a = state;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function idOf(entry: DirectoryUserEntry): string {
  return entry.kind === 'user' ? entry.user.id : entry.id;
}

function lookupOf(entry: DirectoryUserEntry): UserLookup {
  return entry.kind === 'user'
    ? { kind: 'found', user: entry.user }
    : { kind: 'failed', failure: entry.failure };
}

/** The verdict of `GET /users/{id}` on a deletion candidate. */
function confirmation(users: UserReading, outcome: BatchItemOutcome | undefined): UserLookup {
  if (outcome?.kind === 'failed') return { kind: 'failed', failure: outcome.failure };
  if (outcome?.status === 404 && graphCodeOf(outcome.body) === 'Request_ResourceNotFound')
    return { kind: 'notFound' };
  if (outcome?.status === 200) {
    const entry = users.read(outcome.body);
    if (entry) return lookupOf(entry);
  }
  return { kind: 'failed', failure: failureOfAnswer(outcome) };
}

function failureOfAnswer(outcome: BatchItemOutcome | undefined): DirectoryFailure {
  if (outcome?.kind === 'failed') return outcome.failure;
  if (outcome === undefined) {
    return toDirectoryFailure(
      classifyFailure({ kind: 'unexpected', detail: 'a batch item without an answer' }),
    );
  }
  if (outcome.status === 200) {
    return toDirectoryFailure(
      classifyFailure({ kind: 'unexpected', detail: 'a user object without id or userPrincipalName' }),
    );
  }
  const failure = toDirectoryFailure(
    classifyFailure({ kind: 'graph', status: outcome.status, graphCode: graphCodeOf(outcome.body) }),
  );
  // A 404 with another code is not proof of deletion: report it as unknown, never as not_found.
  return failure.code === 'not_found' ? { ...failure, code: 'unexpected_response' } : failure;
}

function failedLookup(code: 'invalid_object_id', message: string): UserLookup {
  return { kind: 'failed', failure: { category: 'unknown', code, message } };
}
