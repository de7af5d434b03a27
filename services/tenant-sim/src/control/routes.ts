/** Named routes: what faults, latency and stats are keyed by. */
export type SimRoute =
  | 'openid'
  | 'token'
  | 'users.list'
  | 'users.get'
  | 'users.delta'
  | 'groups.list'
  | 'groups.get'
  | 'groups.members'
  | 'groups.transitiveMembers'
  | 'groups.delta'
  | 'deletedItems'
  | 'batch'
  | 'unknown';

export const GRAPH_ROUTES: ReadonlyArray<SimRoute> = [
  'users.list',
  'users.get',
  'users.delta',
  'groups.list',
  'groups.get',
  'groups.members',
  'groups.transitiveMembers',
  'groups.delta',
  'deletedItems',
];

/** Base costs in resource units (GRAPH.md, GROUPS.md: Microsoft's identity-service throttling limits). */
const BASE_COST: Partial<Record<SimRoute, number>> = {
  'users.list': 2,
  'users.get': 1,
  'users.delta': 2,
  'groups.list': 1,
  'groups.get': 1,
  'groups.members': 3,
  'groups.transitiveMembers': 5,
  'groups.delta': 1,
  deletedItems: 2,
};

export interface CostedOptions {
  /** $select given. */
  selected: boolean;
  /** $expand given. */
  expanded: boolean;
  top?: number;
}

/**
 * Resource units per request: the route's base cost, $select −1, $expand +1, and on group routes $top
 * under 20 −1; never below 1. (Users' reads keep the costs their figures in docs/performance.md used.)
 */
export function resourceUnitCost(route: SimRoute, options: CostedOptions): number {
  const smallPage = route.startsWith('groups.') && options.top !== undefined && options.top < 20;
  const cost =
    (BASE_COST[route] ?? 1) - (options.selected ? 1 : 0) + (options.expanded ? 1 : 0) - (smallPage ? 1 : 0);
  return Math.max(1, cost);
}
