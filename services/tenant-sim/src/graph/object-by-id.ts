import { type GraphAnswer, jsonAnswer, notFound } from './graph-answer';
import type { GraphCall } from './graph-call';

/**
 * `GET /users/{id}`, `GET /groups/{id}`: soft- and hard-deleted objects answer 404 like unknown ones.
 * `view` is the object's JSON (its projection on $select, and anything expanded).
 */
export function getObject<T>(
  call: GraphCall,
  entitySet: string,
  select: ReadonlyArray<string>,
  record: T | undefined,
  id: string,
  view: (record: T) => Record<string, unknown>,
): GraphAnswer {
  if (!record) return notFound(id, call.clientRequestId);
  return jsonAnswer(200, {
    '@odata.context': `${call.origin}/v1.0/$metadata#${entitySet}(${select.join(',')})/$entity`,
    ...view(record),
  });
}
