import type { SimTenant } from '../control/sim-tenant';
import type { GroupChangeSummary } from '../directory/group-directory';
import { type GroupRecord, odataTypeOf } from '../directory/group-record';
import { deltaPage, deltaPageSize, expiredToken } from './delta-rounds';
import { badRequest, type GraphAnswer } from './graph-answer';
import { decodeToken, type GraphCall } from './graph-call';
import { type ODataQuery, project } from './odata-query';

/** What a delta link remembers, so follow-up calls need no query options (as on Graph). */
interface GroupDeltaScope {
  /** Selected group properties (`members` apart). */
  sel: (keyof GroupRecord)[];
  /** Membership tracked (`members` selected or expanded): groups carry `members@delta`. */
  m?: 1;
  /** `$filter=id eq ...` restriction, lower-cased. */
  ids?: string[];
  /** When this round of tracking was issued (for token expiry). */
  t: number;
}

type GroupDeltaState =
  /**
   * A round over the change-log window (c, s]; `i`: the first round (every live group, all its members).
   * `n`: next entry; `q`: groups whose members go on on a later page, as [entry, member cursor].
   */
  | (GroupDeltaScope & { k: 'r'; i?: 1; c: number; s: number; n: number; q: [number, number][]; e?: 1 })
  /** A deltaLink: changes after sequence c, next time. */
  | (GroupDeltaScope & { k: 'd'; c: number });

interface MemberChunk {
  items: Record<string, unknown>[];
  /** Where the group's members go on, when they did not all fit. */
  next?: number;
}

/** One group of a round: its JSON, and where its `members@delta` come from when membership is tracked. */
interface RoundEntry {
  head: Record<string, unknown>;
  members?: (from: number, limit: number) => MemberChunk;
}

/**
 * `GET /groups/delta`: like `/users/delta` (rounds, deltaLinks, `@removed`, `$deltatoken=latest`, 410 on
 * expired tokens), and with `members` selected each group carries `members@delta`: every member in the
 * first round, then only the members added and removed (`@removed`). A page holds at most the tenant's
 * `maxDeltaMembersPerPage` members, so a large group's members are split and the group comes again on a
 * later page, after other groups, with the next part (clients merge by id).
 */
export function groupsDelta(call: GraphCall, query: ODataQuery<keyof GroupRecord | 'members'>): GraphAnswer {
  const { groups } = call.tenant;
  const deltaToken = call.params.get('$deltatoken');
  const skipToken = call.params.get('$skiptoken');
  if (deltaToken === 'latest') return page(call, [], { ...scopeOf(query), k: 'd', c: groups.changeSequence });
  const token = deltaToken ?? skipToken;
  if (token === null) {
    return roundPage(call, { ...scopeOf(query), k: 'r', i: 1, c: 0, s: groups.changeSequence, n: 0, q: [] });
  }
  const state = decodeToken<GroupDeltaState>(token);
  if (!state || (state.k !== 'r' && state.k !== 'd')) {
    return badRequest('Request_BadRequest', 'Badly formed token.');
  }
  const expired = expiredToken(call, state.t, 'groups');
  if (expired) return expired;
  if (state.k === 'r') return roundPage(call, state);
  return roundPage(call, { ...scopeOf(state), k: 'r', c: state.c, s: groups.changeSequence, n: 0, q: [] });
}

function scopeOf(query: ODataQuery<keyof GroupRecord | 'members'> | GroupDeltaScope): GroupDeltaScope {
  if ('t' in query) return { sel: query.sel, m: query.m, ids: query.ids, t: Date.now() };
  const ids = query.filter?.kind === 'ids' ? query.filter.ids.map((id) => id.toLowerCase()) : undefined;
  const tracked = query.select.includes('members') || query.expand.includes('members');
  return {
    sel: query.select.filter((property): property is keyof GroupRecord => property !== 'members'),
    ...(tracked ? { m: 1 as const } : {}),
    ...(ids ? { ids } : {}),
    t: Date.now(),
  };
}

function roundPage(call: GraphCall, state: Extract<GroupDeltaState, { k: 'r' }>): GraphAnswer {
  const { tenant } = call;
  if (!state.e && Math.random() < tenant.emptyPageRate) return page(call, [], { ...state, e: 1 });
  const round = state.i ? firstRound(tenant, state) : changesRound(tenant, state);
  const pageSize = deltaPageSize(call);
  let budget = state.m ? tenant.maxDeltaMembersPerPage : Number.POSITIVE_INFINITY;
  const pending = [...state.q];
  const later: [number, number][] = [];
  const value: Record<string, unknown>[] = [];
  let next = state.n;
  // A continuation is served after a group that is new on this page, so it reappears between others.
  let continuationsTurn = false;
  while (value.length < pageSize && budget > 0) {
    let index: number;
    let from = 0;
    if (pending.length > 0 && (continuationsTurn || next >= round.length)) {
      [index, from] = pending.shift() as [number, number];
      continuationsTurn = false;
    } else if (next < round.length) {
      index = next++;
      continuationsTurn = true;
    } else break;
    const entry = round.entryAt(index);
    if (!entry) continue;
    if (!entry.members) {
      value.push(entry.head);
      continue;
    }
    const chunk = entry.members(from, budget);
    budget -= chunk.items.length;
    value.push({ ...entry.head, 'members@delta': chunk.items });
    if (chunk.next !== undefined) later.push([index, chunk.next]);
  }
  const queue = [...pending, ...later];
  if (next >= round.length && queue.length === 0) {
    return page(call, value, { ...scopeOf(state), k: 'd', c: state.s });
  }
  return page(call, value, { ...state, n: next, q: queue, e: undefined });
}

interface Round {
  length: number;
  entryAt(index: number): RoundEntry | undefined;
}

function firstRound(tenant: SimTenant, state: GroupDeltaScope): Round {
  const { groups } = tenant;
  const groupAt = (index: number) => (state.ids ? groups.findLive(state.ids[index]) : liveAt(tenant, index));
  return {
    length: state.ids ? state.ids.length : groups.positionCount,
    entryAt(index) {
      const group = groupAt(index);
      return group && wholeGroup(tenant, state, group);
    },
  };
}

function liveAt(tenant: SimTenant, position: number): GroupRecord | undefined {
  const stored = tenant.groups.atPosition(position);
  return stored?.state === 'live' ? stored.group : undefined;
}

function changesRound(tenant: SimTenant, state: Extract<GroupDeltaState, { k: 'r' }>): Round {
  const wanted = state.ids ? new Set(state.ids) : undefined;
  const changes = tenant.groups
    .changesBetween(state.c, state.s)
    .filter((change) => !wanted || wanted.has(change.groupId))
    // Untracked membership changes alone do not make a group changed.
    .filter((change) => state.m || change.whole || change.properties.size > 0);
  return {
    length: changes.length,
    entryAt: (index) => changedGroup(tenant, state, changes[index]),
  };
}

function changedGroup(tenant: SimTenant, state: GroupDeltaScope, change: GroupChangeSummary): RoundEntry {
  const stored = tenant.groups.find(change.groupId);
  if (stored?.state !== 'live') {
    const reason = stored?.state === 'softDeleted' ? 'changed' : 'deleted';
    return { head: { id: change.groupId, '@removed': { reason } } };
  }
  if (change.whole) return wholeGroup(tenant, state, stored.group);
  const head = headOf(state, stored.group);
  if (!state.m) return { head };
  const memberChanges = [...change.members.values()];
  return {
    head,
    members(from, limit) {
      const items = memberChanges.slice(from, from + limit).map(({ member, op }) => ({
        '@odata.type': odataTypeOf(member.kind),
        id: member.id,
        ...(op === 'remove' ? { '@removed': { reason: 'deleted' } } : {}),
      }));
      return { items, next: from + limit < memberChanges.length ? from + limit : undefined };
    },
  };
}

/** A group as the first round serves it (and a later round a created or restored group): all its members. */
function wholeGroup(tenant: SimTenant, state: GroupDeltaScope, group: GroupRecord): RoundEntry {
  const head = headOf(state, group);
  if (!state.m) return { head };
  return {
    head,
    members(from, limit) {
      const items: Record<string, unknown>[] = [];
      let cursor = from;
      for (const { member, next } of tenant.groups.membersFrom(group.id, from)) {
        if (!tenant.groups.isLive(member)) continue;
        if (items.length === limit) return { items, next: cursor };
        items.push({ '@odata.type': odataTypeOf(member.kind), id: member.id });
        cursor = next;
      }
      return { items };
    },
  };
}

function headOf(state: GroupDeltaScope, group: GroupRecord): Record<string, unknown> {
  return { id: group.id, ...project(group, state.sel) };
}

function page(call: GraphCall, value: unknown[], next: GroupDeltaState): GraphAnswer {
  const select = next.m ? [...next.sel, 'members'] : next.sel;
  return deltaPage(call, 'groups', select, value, { final: next.k === 'd', state: next });
}
