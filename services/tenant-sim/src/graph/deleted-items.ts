import { pageLink } from './directory-list';
import { badRequest, type GraphAnswer, jsonAnswer } from './graph-answer';
import { decodeToken, type GraphCall } from './graph-call';
import { type ODataQuery, project } from './odata-query';

/**
 * `GET /directory/deletedItems/microsoft.graph.user` (and `.group`): the soft-deleted, restorable objects,
 * with `deletedDateTime` among the properties served without $select.
 */
export function listDeleted<P extends string>(
  call: GraphCall,
  query: ODataQuery<P>,
  typeName: string,
  deleted: Iterable<Record<P | 'deletedDateTime', unknown>>,
): GraphAnswer {
  const skipToken = call.params.get('$skiptoken');
  const cursor = skipToken === null ? { o: 0 } : decodeToken<{ o: number }>(skipToken);
  if (!cursor || typeof cursor.o !== 'number') return badRequest('Request_BadRequest', 'Invalid $skiptoken.');
  const select: ReadonlyArray<P | 'deletedDateTime'> = query.selected
    ? query.select
    : [...query.select, 'deletedDateTime'];
  const pageSize = query.top ?? 100;
  const value: Record<string, unknown>[] = [];
  let offset = 0;
  let more = false;
  for (const record of deleted) {
    if (offset++ < cursor.o) continue;
    if (value.length === pageSize) {
      more = true;
      break;
    }
    value.push(project(record, select));
  }
  return jsonAnswer(200, {
    '@odata.context': `${call.origin}/v1.0/$metadata#directoryObjects/microsoft.graph.${typeName}`,
    value,
    ...(more ? { '@odata.nextLink': pageLink(call, { o: cursor.o + pageSize }) } : {}),
  });
}
