import type { UserRecord } from '../directory/user-record';
import { badRequest, type GraphAnswer, graphError, jsonAnswer } from './graph-answer';
import { decodeToken, encodeToken, type GraphCall, queryString } from './graph-call';
import { project, type UserQuery } from './user-query';

const DEFAULT_PAGE_SIZE = 100;

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
  const pageSize = Math.min(preferredPageSize(call.headers.prefer), call.tenant.maxDeltaPageSize);

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
  const expiresAt = state.t + call.tenant.deltaTokenLifetimeSeconds * 1000;
  if (state.t <= call.tenant.deltaTokensValidAfter || expiresAt <= Date.now()) {
    return graphError(
      410,
      'syncStateNotFound',
      'The sync state generation is not found or has expired. Restart the synchronization without a token.',
      call.clientRequestId,
      { Location: `${call.origin}/v1.0/users/delta` },
    );
  }
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
  const link =
    next.k === 'd'
      ? {
          '@odata.deltaLink': `${call.origin}/v1.0/users/delta?${queryString({ $deltatoken: encodeToken(next) })}`,
        }
      : {
          '@odata.nextLink': `${call.origin}/v1.0/users/delta?${queryString({ $skiptoken: encodeToken(next) })}`,
        };
  return jsonAnswer(200, {
    '@odata.context': `${call.origin}/v1.0/$metadata#users(${next.sel.join(',')})`,
    value,
    ...link,
  });
}

/** `Prefer: odata.maxpagesize=N`, the only way to size delta pages ($top is refused). */
function preferredPageSize(prefer: string | undefined): number {
  const match = /odata\.maxpagesize=(\d+)/i.exec(prefer ?? '');
  const size = match ? Number(match[1]) : DEFAULT_PAGE_SIZE;
  return Math.min(999, Math.max(1, size));
}
