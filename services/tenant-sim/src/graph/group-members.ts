import type { SimTenant } from '../control/sim-tenant';
import {
  DEFAULT_GROUP_PROPERTIES,
  GROUP_PROPERTIES,
  type GroupRecord,
  type MemberRef,
  odataTypeOf,
} from '../directory/group-record';
import { DEFAULT_USER_PROPERTIES, USER_PROPERTIES, type UserRecord } from '../directory/user-record';
import { pageLink } from './directory-list';
import { badRequest, type GraphAnswer, jsonAnswer, notFound } from './graph-answer';
import { decodeToken, type GraphCall } from './graph-call';
import { type ODataQuery, project, type ResourceShape } from './odata-query';

const DEFAULT_PAGE_SIZE = 100;
/** Graph expands at most 20 members into a group. */
const EXPANDED_MEMBERS = 20;

/** `$select` on `/members` (no cast) names properties of any member type; each member keeps its own. */
export const MEMBER_SHAPE: ResourceShape<string> = {
  typeName: 'directoryObject',
  properties: [...new Set<string>([...USER_PROPERTIES, ...GROUP_PROPERTIES])],
  defaultProperties: [],
  startsWith: [],
  expandable: [],
};

/**
 * How members are shown as directoryObjects: each with its `@odata.type` and, for users and groups, the
 * selected properties of its type (or its type's defaults); devices, service principals and contacts have
 * an id and a name. Which properties each type shows is worked out once, not per member: a page of 999
 * members is shown with one lookup of each member's record and one object.
 */
export function memberViews(
  tenant: SimTenant,
  select: ReadonlyArray<string> | undefined,
): (member: MemberRef) => Record<string, unknown> {
  const ofType = <P extends string>(all: ReadonlyArray<P>, defaults: ReadonlyArray<P>): ReadonlyArray<P> =>
    select ? (select.filter((name) => (all as ReadonlyArray<string>).includes(name)) as P[]) : defaults;
  const userProperties = ofType(USER_PROPERTIES, DEFAULT_USER_PROPERTIES);
  const groupProperties = ofType(GROUP_PROPERTIES, DEFAULT_GROUP_PROPERTIES);
  const otherProperties = ofType<'id' | 'displayName'>(['id', 'displayName'], ['id', 'displayName']);
  const shown = <P extends string>(
    member: MemberRef,
    record: Record<P, unknown>,
    properties: ReadonlyArray<P>,
  ) => {
    const view: Record<string, unknown> = { '@odata.type': odataTypeOf(member.kind) };
    // A property the record lacks is left out (undefined is not serialized).
    for (const property of properties) view[property] = record[property];
    return view;
  };
  return (member) => {
    if (member.kind === 'user')
      return shown(member, tenant.directory.find(member.id)?.user as UserRecord, userProperties);
    if (member.kind === 'group')
      return shown(member, tenant.groups.find(member.id)?.group as GroupRecord, groupProperties);
    const other = tenant.groups.otherMember(member.id);
    return shown(member, { id: member.id, displayName: other?.displayName ?? null }, otherProperties);
  };
}

/** A group's JSON on `/groups` and `/groups/{id}`: its projection, and its first members when expanded. */
export function groupView(
  tenant: SimTenant,
  query: ODataQuery<keyof GroupRecord>,
): (group: GroupRecord) => Record<string, unknown> {
  return (group) => {
    const view = project(group, query.select);
    if (!query.expand.includes('members')) return view;
    const members: Record<string, unknown>[] = [];
    const memberView = memberViews(tenant, ['id', 'displayName']);
    for (const member of tenant.groups.liveMembers(group.id)) {
      if (members.length === EXPANDED_MEMBERS) break;
      members.push(memberView(member));
    }
    return { ...view, members };
  };
}

export interface MembersRequest {
  groupId: string;
  /** `/transitiveMembers`: members of nested groups too. */
  transitive: boolean;
  /** `/microsoft.graph.user` cast: only the members that are users. */
  usersOnly: boolean;
}

interface MembersCursor {
  /** The member cursor: in the group, or (transitive) in the q-th group of its nesting order. */
  c: number;
  q?: number;
  e?: 1;
}

/**
 * `GET /groups/{id}/members` and `/transitiveMembers`, optionally cast to users: pages of `$top` (≤ 999,
 * default 100) through absolute nextLinks; pages may be empty, as on `/users`.
 */
export function listMembers(
  call: GraphCall,
  request: MembersRequest,
  query: ODataQuery<string>,
): GraphAnswer {
  const { tenant } = call;
  const group = tenant.groups.findLive(request.groupId);
  if (!group) return notFound(request.groupId, call.clientRequestId);
  const skipToken = call.params.get('$skiptoken');
  const cursor = skipToken === null ? { c: 0 } : decodeToken<MembersCursor>(skipToken);
  if (!cursor || typeof cursor.c !== 'number' || (cursor.q !== undefined && typeof cursor.q !== 'number')) {
    return badRequest('Request_BadRequest', 'Invalid $skiptoken.');
  }

  const context = `${call.origin}/v1.0/$metadata#${request.usersOnly ? 'users' : 'directoryObjects'}`;
  if (!cursor.e && Math.random() < tenant.emptyPageRate) {
    return jsonAnswer(200, {
      '@odata.context': context,
      value: [],
      '@odata.nextLink': pageLink(call, { ...cursor, e: 1 }),
    });
  }
  const wanted = (member: MemberRef) => !request.usersOnly || member.kind === 'user';
  const shown = memberViews(tenant, query.selected ? query.select : undefined);
  const view = (member: MemberRef) => {
    const item = shown(member);
    if (request.usersOnly) delete item['@odata.type'];
    return item;
  };
  const pageSize = query.top ?? DEFAULT_PAGE_SIZE;
  const members = request.transitive
    ? tenant.groups.transitiveMembersFrom(group.id, { q: cursor.q ?? 0, c: cursor.c })
    : tenant.groups.membersFrom(group.id, cursor.c);
  // One member past the page says whether a nextLink is due.
  const taken: { member: MemberRef; next: MembersCursor }[] = [];
  for (const { member, next } of members) {
    if (!wanted(member) || !tenant.groups.isLive(member)) continue;
    taken.push({ member, next: typeof next === 'number' ? { c: next } : next });
    if (taken.length > pageSize) break;
  }
  const page = taken.slice(0, pageSize);
  const value = page.map(({ member }) => view(member));
  const next = taken.length > pageSize ? page[page.length - 1].next : undefined;
  return jsonAnswer(200, {
    '@odata.context': context,
    value,
    ...(next !== undefined ? { '@odata.nextLink': pageLink(call, next) } : {}),
  });
}
