import type { UserRecord } from '../directory/user-record';
import { deltaPage, deltaPageSize, expiredToken } from './delta-rounds';
import { badRequest, type GraphAnswer } from './graph-answer';
import { decodeToken, type GraphCall } from './graph-call';
import { project, type UserQuery } from './odata-query';

/** What a delta link remembers, so follow-up calls need no query options (as on Graph). */
interface DeltaScope {
  /** Selected properties. */
  sel: (keyof UserRecord)[];
  /** `$filter=id eq ...` restriction, lower-cased. */
  ids?: string[];
  /** When this round of tracking was issued (for token expiry). */
  t: number;
}

type DeltaState =
  /** Initial enumeration at list position p; s = change sequence when it started. */
  | (DeltaScope & { k: 'i'; p: number; s: number; e?: 1 })
  /** Change enumeration of changes after sequence c. */
  | (DeltaScope & { k: 'c'; c: number; e?: 1 })
  /** A deltaLink: changes after sequence c, next time. */
  | (DeltaScope & { k: 'd'; c: number });

/**
 * `GET /users/delta`: a full enumeration, then a deltaLink; calling the deltaLink returns users
 * changed since, with `@removed` for soft-deleted (`changed`) and hard-deleted (`deleted`) ones.
 * A user that changes while pages are followed can appear twice: clients must expect replays.
 */
export function usersDelta(call: GraphCall, query: UserQuery): GraphAnswer {
  const { directory } = call.tenant;
  const deltaToken = call.params.get('$deltatoken');
  const skipToken = call.params.get('$skiptoken');
  const pageSize = deltaPageSize(call);

  if (deltaToken === 'latest') {
    const scope = scopeOf(query);
    return page(call, [], { ...scope, k: 'd', c: directory.changeSequence });
  }
  const token = deltaToken ?? skipToken;
  if (token === null) {
    return initialPage(call, { ...scopeOf(query), k: 'i', p: 0, s: directory.changeSequence }, pageSize);
  }
  const state = decodeToken<DeltaState>(token);
  if (!state || !['i', 'c', 'd'].includes(state.k))
    return badRequest('Request_BadRequest', 'Badly formed token.');
  const expired = expiredToken(call, state.t, 'users');
  if (expired) return expired;
  if (state.k === 'i') return initialPage(call, state, pageSize);
  return changesPage(call, { ...state, k: 'c' }, pageSize);
}

function scopeOf(query: UserQuery): DeltaScope {
  const ids = query.filter?.kind === 'ids' ? query.filter.ids.map((id) => id.toLowerCase()) : undefined;
  return { sel: [...query.select], ...(ids ? { ids } : {}), t: Date.now() };
}

function initialPage(call: GraphCall, state: Extract<DeltaState, { k: 'i' }>, pageSize: number): GraphAnswer {
  const { directory } = call.tenant;
  const deltaLink: DeltaState = { sel: state.sel, ids: state.ids, t: Date.now(), k: 'd', c: state.s };
  if (state.ids) {
    const users = state.ids.map((id) => directory.findLive(id)).filter((user) => user !== undefined);
    return page(
      call,
      users.map((user) => project(user, state.sel)),
      deltaLink,
    );
  }
  if (!state.e && state.p < directory.positionCount && Math.random() < call.tenant.emptyPageRate) {
    return page(call, [], { ...state, e: 1 });
  }
  const value: Record<string, unknown>[] = [];
  let position = state.p;
  while (position < directory.positionCount && value.length < pageSize) {
    const stored = directory.atPosition(position);
    position += 1;
    if (stored?.state === 'live') value.push(project(stored.user, state.sel));
  }
  if (position < directory.positionCount) return page(call, value, { ...state, p: position, e: undefined });
  return page(call, value, deltaLink);
}

function changesPage(call: GraphCall, state: Extract<DeltaState, { k: 'c' }>, pageSize: number): GraphAnswer {
  const { directory } = call.tenant;
  if (!state.e && Math.random() < call.tenant.emptyPageRate) return page(call, [], { ...state, e: 1 });
  const wanted = state.ids ? new Set(state.ids) : undefined;
  const changes = directory.changedSince(state.c).filter((change) => !wanted || wanted.has(change.id));
  const value = changes.slice(0, pageSize).map(({ id, properties }) => {
    const stored = directory.find(id);
    if (stored?.state === 'live') {
      if (!call.tenant.partialDeltaUpdates || !properties) return project(stored.user, state.sel);
      const changed = state.sel.filter((property) => property === 'id' || properties.includes(property));
      return project(stored.user, changed);
    }
    return { id, '@removed': { reason: stored?.state === 'softDeleted' ? 'changed' : 'deleted' } };
  });
  if (changes.length > pageSize) {
    return page(call, value, { ...state, c: changes[pageSize - 1].seq, e: undefined });
  }
  return page(call, value, {
    sel: state.sel,
    ids: state.ids,
    t: Date.now(),
    k: 'd',
    c: directory.changeSequence,
  });
}

function page(call: GraphCall, value: unknown[], next: DeltaState): GraphAnswer {
  return deltaPage(call, 'users', next.sel, value, { final: next.k === 'd', state: next });
}
