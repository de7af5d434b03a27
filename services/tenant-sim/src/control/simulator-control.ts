import type { FaultRule } from './faults';
import type { SimRoute } from './routes';
import type { SimContext } from './sim-context';
import type { SimStats } from './stats';
import { TenantControl } from './tenant-control';

export interface TenantInfo {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  domain: string;
  userCount: number;
}

/** What tests and the admin API may change in a running simulator, whatever transport serves it. */
export interface SimulatorControl {
  tenants: TenantInfo[];
  /** Control of one tenant (default: the first). */
  tenant(tenantId?: string): TenantControl;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  faults(): FaultRule[];
  setLatency(ms: number, route?: SimRoute | '*'): void;
  setThrottle(limitPer10s: number, tenantId?: string): void;
  stats(): SimStats;
  resetStats(): void;
  /** Seeded state, no faults, no latency, zero stats; issued tokens stay valid. */
  reset(): void;
}

/** The control surface over a simulator's state; `defaultLatencyMs` is what `reset()` goes back to. */
export function simulatorControl(context: SimContext, defaultLatencyMs = 0): SimulatorControl {
  const controls = new Map(
    [...context.tenants.values()].map((tenant) => [
      tenant.tenantId,
      new TenantControl(tenant, context.tokens),
    ]),
  );
  const firstTenantId = [...context.tenants.keys()][0];
  context.latency.set(defaultLatencyMs);
  const tenant = (tenantId = firstTenantId): TenantControl => {
    const control = controls.get(tenantId.toLowerCase());
    if (!control) throw new Error(`Unknown tenant ${tenantId}`);
    return control;
  };
  return {
    tenants: [...context.tenants.values()].map((simTenant) => ({
      tenantId: simTenant.tenantId,
      clientId: simTenant.clientId,
      clientSecret: simTenant.clientSecret,
      domain: simTenant.domain,
      userCount: simTenant.directory.seededCount,
    })),
    tenant,
    setFaults: (rules) => context.faults.set(rules),
    addFault: (rule) => context.faults.add(rule),
    clearFaults: () => context.faults.clear(),
    faults: () => context.faults.list(),
    setLatency: (ms, route) => context.latency.set(ms, route),
    setThrottle(limitPer10s, tenantId) {
      const targets = tenantId ? [tenant(tenantId)] : [...controls.values()];
      for (const control of targets) control.configure({ throttleLimit: limitPer10s });
    },
    stats: () => context.stats.snapshot(),
    resetStats: () => context.stats.reset(),
    reset() {
      for (const control of controls.values()) control.reset();
      context.faults.clear();
      context.latency.clear();
      context.latency.set(defaultLatencyMs);
      context.stats.reset();
    },
  };
}
