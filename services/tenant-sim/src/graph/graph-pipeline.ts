import { resourceUnitCost, type SimRoute } from '../control/routes';
import type { SimContext } from '../control/sim-context';
import { listDeleted } from './deleted-items';
import { listObjects } from './directory-list';
import { type GraphAnswer, graphError, serverError, throttled } from './graph-answer';
import { type GraphCall, isEventual } from './graph-call';
import { groupView, listMembers, MEMBER_SHAPE } from './group-members';
import { groupsDelta } from './groups-delta';
import { getObject } from './object-by-id';
import {
  GROUP_DELTA_SHAPE,
  GROUP_SHAPE,
  type ODataQuery,
  type Parsed,
  parseQuery,
  project,
  type QueryLimits,
  type ResourceShape,
  USER_SHAPE,
} from './odata-query';
import { usersDelta } from './users-delta';

/** What a Graph call comes to: an answer, or a transport-level fault the HTTP layer must enact. */
export type CallOutcome = { kind: 'answer'; answer: GraphAnswer } | { kind: 'hang' } | { kind: 'reset' };

export interface ResolvedRoute {
  route: SimRoute;
  /** The user or group the path names. */
  id?: string;
  /** A `/microsoft.graph.user` cast on a member list. */
  usersOnly?: boolean;
  /** `deletedItems/microsoft.graph.{type}`. */
  deletedType?: 'user' | 'group';
}

export function resolveRoute(method: string, path: string): ResolvedRoute {
  const segments = path.split('/').filter(Boolean);
  const lower = segments.map((segment) => segment.toLowerCase());
  if (method === 'POST' && path === '$batch') return { route: 'batch' };
  if (method !== 'GET') return { route: 'unknown' };
  if (lower[0] === 'users') {
    if (segments.length === 1) return { route: 'users.list' };
    if (segments.length === 2 && lower[1] === 'delta') return { route: 'users.delta' };
    if (segments.length === 2) return { route: 'users.get', id: decodeURIComponent(segments[1]) };
  }
  if (lower[0] === 'groups') {
    if (segments.length === 1) return { route: 'groups.list' };
    if (segments.length === 2 && lower[1] === 'delta') return { route: 'groups.delta' };
    const id = segments[1] && decodeURIComponent(segments[1]);
    if (segments.length === 2) return { route: 'groups.get', id };
    const cast = segments.length === 4 && lower[3] === 'microsoft.graph.user';
    if (segments.length === 3 || cast) {
      if (lower[2] === 'members') return { route: 'groups.members', id, usersOnly: cast };
      if (lower[2] === 'transitivemembers') return { route: 'groups.transitiveMembers', id, usersOnly: cast };
    }
  }
  if (lower.length === 3 && lower[0] === 'directory' && lower[1] === 'deleteditems') {
    if (lower[2] === 'microsoft.graph.user') return { route: 'deletedItems', deletedType: 'user' };
    if (lower[2] === 'microsoft.graph.group') return { route: 'deletedItems', deletedType: 'group' };
  }
  return { route: 'unknown' };
}

/**
 * Serves one authenticated Graph call (top level or batch item): injected faults first (they stand
 * for infrastructure), then consent, query validation, the resource-unit bucket, and the handler.
 */
export function serveGraphCall(context: SimContext, call: GraphCall, inBatch: boolean): CallOutcome {
  const resolved = resolveRoute(call.method, call.path);
  const { route } = resolved;
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
  const onGroups = route.startsWith('groups.') || resolved.deletedType === 'group';
  if (!tenant.consented || (onGroups && !tenant.groupsConsented)) {
    return answer(
      graphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
        call.clientRequestId,
      ),
    );
  }

  const prepared = prepare(call, resolved);
  if (!prepared.ok) return answer(prepared.answer);
  const { query, serve } = prepared.value;

  const cost = resourceUnitCost(route, {
    selected: query.selected,
    expanded: query.expand.length > 0,
    top: query.top,
  });
  const taken = tenant.bucket.take(cost);
  if (!taken.ok) {
    context.stats.throttled();
    return answer(throttled(taken.retryAfterSeconds, call.clientRequestId));
  }
  context.stats.resourceUnits(tenant.tenantId, cost);

  const result = serve();
  result.headers['x-ms-resource-unit'] = String(cost);
  // Graph reports usage as a fraction of the limit once past 80 %.
  if (taken.usedPercent > 80)
    result.headers['x-ms-throttle-limit-percentage'] = (taken.usedPercent / 100).toFixed(2);
  return answer(result);
}

/** A call whose query parsed: what it costs is read from `query`, and `serve` answers it. */
type Prepared = Parsed<{ query: ODataQuery; serve: () => GraphAnswer }>;

const LISTS: QueryLimits = { maxIds: 15, allowTop: true };
const DELTAS: QueryLimits = { maxIds: 50, allowTop: false };

function prepare(call: GraphCall, resolved: ResolvedRoute): Prepared {
  const { tenant } = call;
  const id = resolved.id ?? '';
  switch (resolved.route) {
    case 'users.list':
      return parsed(call, USER_SHAPE, LISTS, (query) =>
        listObjects(call, query, tenant.directory.users, 'users'),
      );
    case 'users.get':
      return parsed(call, USER_SHAPE, LISTS, (query) =>
        getObject(call, 'users', query.select, tenant.directory.findLive(id), id, (user) =>
          project(user, query.select),
        ),
      );
    case 'users.delta':
      return parsed(call, USER_SHAPE, DELTAS, (query) => usersDelta(call, query));
    case 'groups.list':
      return parsed(call, GROUP_SHAPE, LISTS, (query) =>
        listObjects(call, query, tenant.groups.groups, 'groups', groupView(tenant, query)),
      );
    case 'groups.get':
      return parsed(call, GROUP_SHAPE, LISTS, (query) =>
        getObject(call, 'groups', query.select, tenant.groups.findLive(id), id, groupView(tenant, query)),
      );
    case 'groups.members':
    case 'groups.transitiveMembers': {
      const request = {
        groupId: id,
        transitive: resolved.route === 'groups.transitiveMembers',
        usersOnly: resolved.usersOnly === true,
      };
      return parsed(call, request.usersOnly ? USER_SHAPE : MEMBER_SHAPE, LISTS, (query) =>
        listMembers(call, request, query),
      );
    }
    case 'groups.delta':
      return parsed(call, GROUP_DELTA_SHAPE, DELTAS, (query) => groupsDelta(call, query));
    default:
      return resolved.deletedType === 'group'
        ? parsed(call, GROUP_SHAPE, LISTS, (query) =>
            listDeleted(call, query, 'group', tenant.groups.softDeletedGroups()),
          )
        : parsed(call, USER_SHAPE, LISTS, (query) =>
            listDeleted(call, query, 'user', tenant.directory.softDeletedUsers()),
          );
  }
}

function parsed<P extends string>(
  call: GraphCall,
  shape: ResourceShape<P>,
  limits: QueryLimits,
  serve: (query: ODataQuery<P>) => GraphAnswer,
): Prepared {
  const result = parseQuery(call.params, isEventual(call), limits, shape);
  if (!result.ok) return result;
  return { ok: true, value: { query: result.value, serve: () => serve(result.value) } };
}

function answer(graphAnswer: GraphAnswer): CallOutcome {
  return { kind: 'answer', answer: graphAnswer };
}
