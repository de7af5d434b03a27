import type { FaultPlan, LatencyPlan } from './faults';
import type { SimTenant, TokenRegistry } from './sim-tenant';
import type { StatsRecorder } from './stats';

/** Everything a request handler may consult or change; one per running simulator. */
export interface SimContext {
  tenants: Map<string, SimTenant>;
  tokens: TokenRegistry;
  faults: FaultPlan;
  latency: LatencyPlan;
  stats: StatsRecorder;
  /** Answer $batch items in random order, as Graph may (default true). */
  shuffleBatch: boolean;
}

/** Finds a tenant by id or by its domain (Entra accepts both in the authority path). */
export function findTenant(context: SimContext, tenantIdOrDomain: string): SimTenant | undefined {
  const key = tenantIdOrDomain.toLowerCase();
  const byId = context.tenants.get(key);
  if (byId) return byId;
  for (const tenant of context.tenants.values()) if (tenant.domain === key) return tenant;
  return undefined;
}
