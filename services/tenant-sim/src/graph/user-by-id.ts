import { type GraphAnswer, jsonAnswer, notFound } from './graph-answer';
import type { GraphCall } from './graph-call';
import { project, type UserQuery } from './user-query';

/** `GET /users/{id}`: soft- and hard-deleted users answer 404 like unknown ones. */
export function getUser(call: GraphCall, id: string, query: UserQuery): GraphAnswer {
  const user = call.tenant.directory.findLive(id);
  if (!user) return notFound(id, call.clientRequestId);
  return jsonAnswer(200, {
    '@odata.context': `${call.origin}/v1.0/$metadata#users(${query.select.join(',')})/$entity`,
    ...project(user, query.select),
  });
}
