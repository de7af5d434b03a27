/** Named routes: what faults, latency and stats are keyed by. */
export type SimRoute =
  | 'openid'
  | 'token'
  | 'users.list'
  | 'users.get'
  | 'users.delta'
  | 'deletedItems'
  | 'batch'
  | 'unknown';

export const GRAPH_ROUTES: ReadonlyArray<SimRoute> = [
  'users.list',
  'users.get',
  'users.delta',
  'deletedItems',
];

/** Resource units per request (GRAPH.md): list 2, by id 1, $select lowers by 1, never below 1. */
export function resourceUnitCost(route: SimRoute, selected: boolean): number {
  const base = route === 'users.get' ? 1 : 2;
  return Math.max(1, base - (selected ? 1 : 0));
}
