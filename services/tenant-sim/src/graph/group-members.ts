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
 * A member as a directoryObject: its `@odata.type` and, for users and groups, the selected properties
 * it has (or its type's defaults); devices, service principals and contacts have an id and a name.
 */
export function memberView(
  tenant: SimTenant,
  member: MemberRef,
  select: ReadonlyArray<string> | undefined,
): Record<string, unknown> {
  const typed = { '@odata.type': odataTypeOf(member.kind) };
  if (member.kind === 'user') {
    const user = tenant.directory.find(member.id)?.user as UserRecord;
    const properties = select?.filter((name): name is keyof UserRecord => name in user);
    return { ...typed, ...project(user, properties ?? DEFAULT_USER_PROPERTIES) };
  }
  if (member.kind === 'group') {
    const group = tenant.groups.find(member.id)?.group as GroupRecord;
    const properties = select?.filter((name): name is keyof GroupRecord => name in group);
    return { ...typed, ...project(group, properties ?? DEFAULT_GROUP_PROPERTIES) };
  }
  const other = tenant.groups.otherMember(member.id);
  const record = { id: member.id, displayName: other?.displayName ?? null };
  const properties = select?.filter((name): name is 'id' | 'displayName' => name in record);
  return { ...typed, ...project(record, properties ?? ['id', 'displayName']) };
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
    for (const member of tenant.groups.liveMembers(group.id)) {
      if (members.length === EXPANDED_MEMBERS) break;
      members.push(memberView(tenant, member, ['id', 'displayName']));
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
  const select = query.selected ? query.select : undefined;
  const view = (member: MemberRef) => {
    const item = memberView(tenant, member, select);
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
