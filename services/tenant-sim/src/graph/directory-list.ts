import type { Stored } from '../directory/seeded-store';
import { badRequest, type GraphAnswer, jsonAnswer } from './graph-answer';
import { decodeToken, encodeToken, type GraphCall, queryString } from './graph-call';
import { matchesSearch, matchesStartsWith, type ODataQuery, project } from './odata-query';

const DEFAULT_PAGE_SIZE = 100;

/** Users and groups as a list reads them (a `SeededStore`): by position, whatever their state, and live by id. */
export interface Listing<T> {
  positionCount: number;
  liveCount: number;
  atPosition(position: number): Stored<T> | undefined;
  findLive(id: string): T | undefined;
}

interface ListCursor {
  /** Next list position to examine. */
  p: number;
  /** The empty page for this position was already served (so empty pages never loop). */
  e?: 1;
}

/**
 * `GET /users`, `GET /groups`: pages over list positions; filters scan but stop once a page is full.
 * `view` turns a record into its JSON (projection, and anything expanded).
 */
export function listObjects<P extends string, T extends Record<P, unknown> & { displayName: string | null }>(
  call: GraphCall,
  query: ODataQuery<P>,
  listing: Listing<T>,
  entitySet: 'users' | 'groups',
  view: (record: T) => Record<string, unknown> = (record) => project(record, query.select),
): GraphAnswer {
  const context = `${call.origin}/v1.0/$metadata#${entitySet}(${query.select.join(',')})`;

  if (query.filter?.kind === 'ids') {
    const value: Record<string, unknown>[] = [];
    for (const id of new Set(query.filter.ids.map((id) => id.toLowerCase()))) {
      const record = listing.findLive(id);
      if (record) value.push(view(record));
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
  const matches = (record: T) =>
    (prefixFilter === undefined || matchesStartsWith(record, prefixFilter)) &&
    (query.search === undefined || matchesSearch(record, query.search));
  const pageSize = query.top ?? DEFAULT_PAGE_SIZE;
  const count = query.count ? { '@odata.count': countMatches(call, listing, matches) } : {};

  if (!cursor.e && cursor.p < listing.positionCount && Math.random() < call.tenant.emptyPageRate) {
    const nextLink = pageLink(call, { p: cursor.p, e: 1 });
    return jsonAnswer(200, { '@odata.context': context, ...count, value: [], '@odata.nextLink': nextLink });
  }

  const value: Record<string, unknown>[] = [];
  let position = cursor.p;
  while (position < listing.positionCount && value.length < pageSize) {
    const stored = listing.atPosition(position);
    position += 1;
    if (stored?.state === 'live' && matches(stored.record)) value.push(view(stored.record));
  }
  const more = position < listing.positionCount;
  return jsonAnswer(200, {
    '@odata.context': context,
    ...count,
    value,
    ...(more ? { '@odata.nextLink': pageLink(call, { p: position }) } : {}),
  });
}

function countMatches<T>(call: GraphCall, listing: Listing<T>, matches: (record: T) => boolean): number {
  if (!call.params.has('$filter') && !call.params.has('$search')) return listing.liveCount;
  let count = 0;
  for (let position = 0; position < listing.positionCount; position++) {
    const stored = listing.atPosition(position);
    if (stored?.state === 'live' && matches(stored.record)) count++;
  }
  return count;
}

/** The absolute nextLink: the original query plus a fresh $skiptoken, as Graph builds it. */
export function pageLink(call: GraphCall, cursor: object): string {
  const params: Record<string, string> = {};
  for (const [name, value] of call.params) if (name !== '$skiptoken') params[name] = value;
  params.$skiptoken = encodeToken(cursor);
  return `${call.origin}/v1.0/${call.path}?${queryString(params)}`;
}
