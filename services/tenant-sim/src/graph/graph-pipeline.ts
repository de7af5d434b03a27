import { resourceUnitCost, type SimRoute } from '../control/routes';
import type { SimContext } from '../control/sim-context';
import { listDeletedUsers } from './deleted-items';
import { type GraphAnswer, graphError, serverError, throttled } from './graph-answer';
import { type GraphCall, isEventual } from './graph-call';
import { getUser } from './user-by-id';
import { parseUserQuery } from './user-query';
import { usersDelta } from './users-delta';
import { listUsers } from './users-list';

/** What a Graph call comes to: an answer, or a transport-level fault the HTTP layer must enact. */
export type CallOutcome = { kind: 'answer'; answer: GraphAnswer } | { kind: 'hang' } | { kind: 'reset' };

export function resolveRoute(method: string, path: string): { route: SimRoute; userId?: string } {
  const segments = path.split('/').filter(Boolean);
  if (method === 'POST' && path === '$batch') return { route: 'batch' };
  if (method !== 'GET') return { route: 'unknown' };
  if (segments.length === 1 && segments[0].toLowerCase() === 'users') return { route: 'users.list' };
  if (segments.length === 2 && segments[0].toLowerCase() === 'users') {
    if (segments[1].toLowerCase() === 'delta') return { route: 'users.delta' };
    return { route: 'users.get', userId: decodeURIComponent(segments[1]) };
  }
  if (path.toLowerCase() === 'directory/deleteditems/microsoft.graph.user') return { route: 'deletedItems' };
  return { route: 'unknown' };
}

/**
 * Serves one authenticated Graph call (top level or batch item): injected faults first (they stand
 * for infrastructure), then consent, query validation, the resource-unit bucket, and the handler.
 */
export function serveGraphCall(context: SimContext, call: GraphCall, inBatch: boolean): CallOutcome {
  const { route, userId } = resolveRoute(call.method, call.path);
  const { tenant } = call;
  context.stats.request(route, inBatch);

  const target = `${call.path}?${call.params.toString()}`;
  const fault = context.faults.pick(route, decodeURIComponent(target), tenant.tenantId);
  if (fault) {
    context.stats.fault();
    if (fault.kind === 'hang' || fault.kind === 'reset') return { kind: fault.kind };
    if (fault.kind === 'throttle') return answer(throttled(fault.retryAfterSeconds, call.clientRequestId));
    return answer(
      fault.status >= 500
        ? serverError(fault.status, call.clientRequestId)
        : graphError(fault.status, 'SimulatedFault', 'Injected fault.', call.clientRequestId),
    );
  }

  if (route === 'unknown' || route === 'batch') {
    const segment = call.path.split('/')[0] || call.path;
    return answer(
      graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`, call.clientRequestId),
    );
  }
  if (!tenant.consented) {
    return answer(
      graphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
        call.clientRequestId,
      ),
    );
  }

  const parsed = parseUserQuery(call.params, isEventual(call), {
    maxIds: route === 'users.delta' ? 50 : 15,
    allowTop: route !== 'users.delta',
  });
  if (!parsed.ok) return answer(parsed.answer);
  const query = parsed.value;

  const cost = resourceUnitCost(route, query.selected);
  const taken = tenant.bucket.take(cost);
  if (!taken.ok) {
    context.stats.throttled();
    return answer(throttled(taken.retryAfterSeconds, call.clientRequestId));
  }
  context.stats.resourceUnits(tenant.tenantId, cost);

  const result =
    route === 'users.list'
      ? listUsers(call, query)
      : route === 'users.get'
        ? getUser(call, userId ?? '', query)
        : route === 'users.delta'
          ? usersDelta(call, query)
          : listDeletedUsers(call, query);
  result.headers['x-ms-resource-unit'] = String(cost);
  // Graph reports usage as a fraction of the limit once past 80 %.
  if (taken.usedPercent > 80)
    result.headers['x-ms-throttle-limit-percentage'] = (taken.usedPercent / 100).toFixed(2);
  return answer(result);
}

function answer(graphAnswer: GraphAnswer): CallOutcome {
  return { kind: 'answer', answer: graphAnswer };
}
