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
import { DirectoryError } from './directory-error';
import { type DirectoryGroup, GROUP_SELECT, groupPermissionFailure, toGroup } from './directory-group';
import type { DirectoryFailure } from './directory-types';
import { type DirectoryUserEntry, isObjectId, odataString } from './directory-user';
import { classifyFailure, toDirectoryFailure } from './failure-classification';
import { followPages } from './graph-pages';
import type { GraphSession } from './graph-session';
import { addMembersOfPage, type GroupMembers, membersUrl, noMembers } from './read-group-members';

/**
 * A group read whole: the group and every page of its members. Only Graph's 404 Request_ResourceNotFound for
 * `GET /groups/{id}` is `notFound`; a group whose read or any member page failed (after the retries) is
 * `failed`, never a part. `paged`: its members spanned several pages and went to `memberPages` page by page,
 * so `members.users` is empty (the non-users are still counted in `members.ignored`).
 */
export type WholeGroupRead =
  | { kind: 'found'; group: DirectoryGroup; members: GroupMembers; paged: boolean }
  | { kind: 'notFound' }
  | { kind: 'failed'; failure: DirectoryFailure; whileReadingMembers: boolean };

/**
 * Reads groups with all their members at the lowest cost Graph offers: the groups 15 to a
 * `$filter=id in (...)` item (1 resource unit for 15 groups), and the first member page of each group as a
 * `$batch` item, 20 to a batch, both sent at once; a group whose first page has a nextLink has its later pages
 * followed one by one, beside the batches. A group missing from its filter answer is asked again by id (the
 * filter proves nothing about one group); only Graph's 404 to that makes it `notFound`. A batch item is
 * retried alone when throttled (see exchangeBatch); what still fails fails its group alone.
 */
export async function readGroupsWhole(
  session: GraphSession,
  ids: string[],
  options: WholeGroupsOptions = {},
): Promise<Map<string, WholeGroupRead>> {
  const reads = new Map<string, WholeGroupRead>();
  const valid = [...new Set(ids)].filter((id) => {
    if (isObjectId(id)) return true;
    const failure: DirectoryFailure = {
      category: 'unknown',
      code: 'invalid_object_id',
      message: `'${id}' is not an Entra object id.`,
    };
    reads.set(id, { kind: 'failed', failure, whileReadingMembers: false });
    return false;
  });
  const [groups, members] = await Promise.all([
    readGroupsByIds(session, valid, options.signal),
    readMembers(session, valid, options),
  ]);
  for (const id of valid) {
    const group = groups.get(id) as GroupAnswer;
    const read = members.get(id) as MembersAnswer;
    if (group.kind !== 'found') reads.set(id, group);
    else if (read.kind === 'failed') reads.set(id, read);
    else reads.set(id, { kind: 'found', group: group.group, members: read.members, paged: read.paged });
  }
  return reads;
}

/**
 * `memberPages`: where the members of a group of several pages go, each page (the first too) as it is read,
 * awaited before the next page is asked for, instead of being held until the group is read whole. A group
 * whose read fails after some of its pages went there is still `failed`: the receiver must not take those
 * pages for the group's members.
 */
export interface WholeGroupsOptions {
  transitive?: boolean;
  signal?: AbortSignal;
  memberPages?: (groupId: string, users: DirectoryUserEntry[]) => Promise<void>;
}

type GroupAnswer = Exclude<WholeGroupRead, { kind: 'found' }> | { kind: 'found'; group: DirectoryGroup };
type MembersAnswer =
  | { kind: 'found'; members: GroupMembers; paged: boolean }
  | { kind: 'failed'; failure: DirectoryFailure; whileReadingMembers: true };

/** The groups by `$filter=id in (...)`, 20 filters a batch; the missing ones confirmed by id. */
async function readGroupsByIds(
  session: GraphSession,
  ids: string[],
  signal?: AbortSignal,
): Promise<Map<string, GroupAnswer>> {
  const answers = new Map<string, GroupAnswer>();
  const byLowerCase = new Map(ids.map((id) => [id.toLowerCase(), id]));
  const missing: string[] = [];
  const filters = [...chunksOf(ids, IDS_PER_FILTER)];
  await forEachBounded(chunksOf(filters, MAX_BATCH_REQUESTS), session.concurrency, async (batch) => {
    const requests: BatchGet[] = batch.map((filter, index) => ({
      id: String(index),
      url: `/groups?$filter=${encodeURIComponent(`id in (${filter.map(odataString).join(',')})`)}&$select=${GROUP_SELECT}`,
    }));
    const outcomes = await exchangeBatch(session, requests, signal);
    batch.forEach((filter, index) => {
      const outcome = outcomes.get(String(index));
      if (outcome?.kind !== 'answered' || outcome.status !== 200) {
        const failure = failureOf(outcome);
        for (const id of filter) answers.set(id, { kind: 'failed', failure, whileReadingMembers: false });
        return;
      }
      for (const raw of valuesOf(outcome.body)) {
        const group = toGroup(raw);
        const id = group && byLowerCase.get(group.id.toLowerCase());
        if (group && id) answers.set(id, { kind: 'found', group });
      }
      for (const id of filter) if (!answers.has(id)) missing.push(id);
    });
  });
  await forEachBounded(chunksOf(missing, MAX_BATCH_REQUESTS), session.concurrency, async (batch) => {
    const requests = batch.map((id, index) => ({
      id: String(index),
      url: `/groups/${id}?$select=${GROUP_SELECT}`,
    }));
    const outcomes = await exchangeBatch(session, requests, signal);
    batch.forEach((id, index) => {
      answers.set(id, groupById(outcomes.get(String(index))));
    });
  });
  return answers;
}

/** The verdict of `GET /groups/{id}` on a group its filter did not return. */
function groupById(outcome: BatchItemOutcome | undefined): GroupAnswer {
  if (
    outcome?.kind === 'answered' &&
    outcome.status === 404 &&
    graphCodeOf(outcome.body) === 'Request_ResourceNotFound'
  )
    return { kind: 'notFound' };
  const group = outcome?.kind === 'answered' && outcome.status === 200 ? toGroup(outcome.body) : undefined;
  if (group) return { kind: 'found', group };
  return { kind: 'failed', failure: failureOf(outcome), whileReadingMembers: false };
}

/**
 * Every group's members: first pages 20 a batch, later pages followed beside the batches (and, with
 * `memberPages`, handed there page by page).
 */
async function readMembers(
  session: GraphSession,
  ids: string[],
  options: WholeGroupsOptions,
): Promise<Map<string, MembersAnswer>> {
  const answers = new Map<string, MembersAnswer>();
  const followed: Array<Promise<void>> = [];
  const following = new Pool(session.concurrency);
  await forEachBounded(chunksOf(ids, MAX_BATCH_REQUESTS), session.concurrency, async (batch) => {
    const requests = batch.map((id, index) => ({
      id: String(index),
      url: membersUrl(session, id, options),
    }));
    const outcomes = await exchangeBatch(session, requests, options.signal);
    batch.forEach((id, index) => {
      const outcome = outcomes.get(String(index));
      if (outcome?.kind !== 'answered' || outcome.status !== 200) {
        answers.set(id, { kind: 'failed', failure: failureOf(outcome), whileReadingMembers: true });
        return;
      }
      const members = noMembers();
      addMembersOfPage(session, members, valuesOf(outcome.body));
      const next = (outcome.body as { '@odata.nextLink'?: unknown } | null)?.['@odata.nextLink'];
      const { memberPages } = options;
      const paged = typeof next === 'string' && memberPages !== undefined;
      answers.set(id, { kind: 'found', members, paged });
      if (typeof next !== 'string') return;
      /** A page's users: kept in `members`, or handed on and dropped. */
      const take = async () => {
        if (!paged) return;
        await memberPages(id, members.users);
        members.users = [];
      };
      followed.push(
        following.run(async () => {
          try {
            await take();
            for await (const page of followPages(session, next, {}, options.signal)) {
              addMembersOfPage(session, members, page.value);
              await take();
            }
          } catch (error) {
            const failure = groupPermissionFailure(error);
            if (!(failure instanceof DirectoryError)) throw failure;
            answers.set(id, { kind: 'failed', failure: failure.failure, whileReadingMembers: true });
          }
        }),
      );
    });
  });
  await Promise.all(followed);
  return answers;
}

/** At most `size` tasks at once; the others wait their turn in order. */
class Pool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** Why a batch item gave no usable answer; a 403 on a group route names the group permission. */
function failureOf(outcome: BatchItemOutcome | undefined): DirectoryFailure {
  if (outcome?.kind === 'failed') return outcome.failure;
  const failure = toDirectoryFailure(
    outcome === undefined
      ? classifyFailure({ kind: 'unexpected', detail: 'a batch item without an answer' })
      : outcome.status === 200
        ? classifyFailure({ kind: 'unexpected', detail: 'a group without id or name' })
        : classifyFailure({ kind: 'graph', status: outcome.status, graphCode: graphCodeOf(outcome.body) }),
  );
  const named = groupPermissionFailure(new DirectoryError(failure)) as DirectoryError;
  // A 404 other than the group's own is no proof of deletion: report it as unknown, never as not_found.
  return named.failure.code === 'not_found'
    ? { ...named.failure, code: 'unexpected_response' }
    : named.failure;
}
