import {
  type BatchGet,
  type BatchItemOutcome,
  exchangeBatch,
  graphCodeOf,
  MAX_BATCH_REQUESTS,
} from './batch-exchange';
import { chunksOf, forEachBounded } from './bounded-pool';
import type { DirectoryFailure, UserLookup } from './directory-types';
import { isObjectId, odataString, type UserReading } from './directory-user';
import { classifyFailure, toDirectoryFailure } from './failure-classification';
import type { GraphSession } from './graph-session';

/** Graph's default cap on values in `id in (...)`. */
const IDS_PER_FILTER = 15;

/**
 * Reads users by object id. Phase 1 asks `$filter=id in (15 ids)` items, 20 per `$batch` (300 ids
 * per round trip). An id missing from a filter answer is only a candidate for deletion: `/users` is
 * eventually consistent and a filter answer proves nothing about one id. Phase 2 therefore asks
 * `GET /users/{id}` for each candidate (batched too), and only Graph's 404 Request_ResourceNotFound
 * becomes `notFound`. Every other outcome is `failed`, so a caller can never delete on a failure.
 */
export async function readUsersByIds(
  session: GraphSession,
  ids: string[],
  signal?: AbortSignal,
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
  const filterBatches = chunksOf([...chunksOf([...requested.keys()], IDS_PER_FILTER)], MAX_BATCH_REQUESTS);
  await forEachBounded(filterBatches, session.concurrency, async (groups) => {
    const requests: BatchGet[] = groups.map((group, index) => ({
      id: String(index),
      url: `/users?$filter=${encodeURIComponent(`id in (${group.map(odataString).join(',')})`)}&$select=${session.users.select}`,
    }));
    const outcomes = await exchangeBatch(session, requests, signal);
    groups.forEach((group, index) => {
      const outcome = outcomes.get(String(index));
      if (outcome?.kind !== 'answered' || outcome.status !== 200) {
        const failure = failureOfAnswer(outcome);
        for (const id of group) lookups.set(requested.get(id)!, { kind: 'failed', failure });
        return;
      }
      const found = new Set<string>();
      for (const raw of valuesOf(outcome.body)) {
        const user = session.users.toUser(raw);
        const original = user && requested.get(user.id.toLowerCase());
        if (!user || !original) continue;
        found.add(user.id.toLowerCase());
        lookups.set(original, { kind: 'found', user });
      }
      for (const id of group) if (!found.has(id)) candidates.push(id);
    });
  });

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

/** The verdict of `GET /users/{id}` on a deletion candidate. */
function confirmation(users: UserReading, outcome: BatchItemOutcome | undefined): UserLookup {
  if (outcome?.kind === 'failed') return { kind: 'failed', failure: outcome.failure };
  if (outcome?.status === 404 && graphCodeOf(outcome.body) === 'Request_ResourceNotFound')
    return { kind: 'notFound' };
  if (outcome?.status === 200) {
    const user = users.toUser(outcome.body);
    if (user) return { kind: 'found', user };
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

function valuesOf(body: unknown): unknown[] {
  const value = (body as { value?: unknown } | null)?.value;
  return Array.isArray(value) ? value : [];
}
