import { DEFAULT_USER_PROPERTIES } from '../directory/user-record';
import { badRequest, type GraphAnswer, jsonAnswer } from './graph-answer';
import { decodeToken, encodeToken, type GraphCall, queryString } from './graph-call';
import { project, type UserQuery } from './user-query';

/** `GET /directory/deletedItems/microsoft.graph.user`: the soft-deleted (restorable) users. */
export function listDeletedUsers(call: GraphCall, query: UserQuery): GraphAnswer {
  const skipToken = call.params.get('$skiptoken');
  const cursor = skipToken === null ? { o: 0 } : decodeToken<{ o: number }>(skipToken);
  if (!cursor || typeof cursor.o !== 'number') return badRequest('Request_BadRequest', 'Invalid $skiptoken.');
  const select = query.selected ? query.select : [...DEFAULT_USER_PROPERTIES, 'deletedDateTime' as const];
  const pageSize = query.top ?? 100;
  const value: Record<string, unknown>[] = [];
  let offset = 0;
  let more = false;
  for (const user of call.tenant.directory.softDeletedUsers()) {
    if (offset++ < cursor.o) continue;
    if (value.length === pageSize) {
      more = true;
      break;
    }
    value.push(project(user, select));
  }
  const params: Record<string, string> = {};
  for (const [name, paramValue] of call.params) if (name !== '$skiptoken') params[name] = paramValue;
  const nextLink = `${call.origin}/v1.0/${call.path}?${queryString({ ...params, $skiptoken: encodeToken({ o: cursor.o + pageSize }) })}`;
  return jsonAnswer(200, {
    '@odata.context': `${call.origin}/v1.0/$metadata#directoryObjects/microsoft.graph.user`,
    value,
    ...(more ? { '@odata.nextLink': nextLink } : {}),
  });
}
