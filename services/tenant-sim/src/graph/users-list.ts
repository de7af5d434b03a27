import type { UserRecord } from '../directory/user-record';
import { badRequest, type GraphAnswer, jsonAnswer } from './graph-answer';
import { decodeToken, encodeToken, type GraphCall, queryString } from './graph-call';
import { matchesSearch, matchesStartsWith, project, type UserQuery } from './user-query';

const DEFAULT_PAGE_SIZE = 100;

interface ListCursor {
  /** Next list position to examine. */
  p: number;
  /** The empty page for this position was already served (so empty pages never loop). */
  e?: 1;
}

/** `GET /users`: pages over list positions; filters scan but stop once a page is full. */
export function listUsers(call: GraphCall, query: UserQuery): GraphAnswer {
  const { directory } = call.tenant;
  const context = `${call.origin}/v1.0/$metadata#users(${query.select.join(',')})`;

  if (query.filter?.kind === 'ids') {
    const value: Record<string, unknown>[] = [];
    for (const id of new Set(query.filter.ids.map((id) => id.toLowerCase()))) {
      const user = directory.findLive(id);
      if (user) value.push(project(user, query.select));
    }
    return jsonAnswer(200, {
      '@odata.context': context,
      ...(query.count ? { '@odata.count': value.length } : {}),
      value,
    });
  }

  const skipToken = call.params.get('$skiptoken');
  const cursor: ListCursor | undefined = skipToken === null ? { p: 0 } : decodeToken<ListCursor>(skipToken);
  if (!cursor || typeof cursor.p !== 'number') return badRequest('Request_BadRequest', 'Invalid $skiptoken.');

  const prefixFilter = query.filter;
  const matches = (user: UserRecord) =>
    (prefixFilter === undefined || matchesStartsWith(user, prefixFilter)) &&
    (query.search === undefined || matchesSearch(user, query.search));
  const pageSize = query.top ?? DEFAULT_PAGE_SIZE;
  const count = query.count ? { '@odata.count': countMatches(call, matches) } : {};

  if (!cursor.e && cursor.p < directory.positionCount && Math.random() < call.tenant.emptyPageRate) {
    const nextLink = pageLink(call, { p: cursor.p, e: 1 });
    return jsonAnswer(200, { '@odata.context': context, ...count, value: [], '@odata.nextLink': nextLink });
  }

  const value: Record<string, unknown>[] = [];
  let position = cursor.p;
  while (position < directory.positionCount && value.length < pageSize) {
    const stored = directory.atPosition(position);
    position += 1;
    if (stored?.state === 'live' && matches(stored.user)) value.push(project(stored.user, query.select));
  }
  const more = position < directory.positionCount;
  return jsonAnswer(200, {
    '@odata.context': context,
    ...count,
    value,
    ...(more ? { '@odata.nextLink': pageLink(call, { p: position }) } : {}),
  });
}

function countMatches(call: GraphCall, matches: (user: UserRecord) => boolean): number {
  const { directory } = call.tenant;
  if (!call.params.has('$filter') && !call.params.has('$search')) return directory.liveCount;
  let count = 0;
  for (let position = 0; position < directory.positionCount; position++) {
    const stored = directory.atPosition(position);
    if (stored?.state === 'live' && matches(stored.user)) count++;
  }
  return count;
}

/** The absolute nextLink: the original query plus a fresh $skiptoken, as Graph builds it. */
function pageLink(call: GraphCall, cursor: ListCursor): string {
  const params: Record<string, string> = {};
  for (const [name, value] of call.params) if (name !== '$skiptoken') params[name] = value;
  params.$skiptoken = encodeToken(cursor);
  return `${call.origin}/v1.0/${call.path}?${queryString(params)}`;
}
