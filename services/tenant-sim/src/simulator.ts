import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { ensureCertificates } from './certificates';
import { FaultPlan, type FaultRule, LatencyPlan } from './control/faults';
import type { SimRoute } from './control/routes';
import type { SimContext } from './control/sim-context';
import { SimTenant, type TenantOptions, TokenRegistry } from './control/sim-tenant';
import { type SimStats, StatsRecorder } from './control/stats';
import { TenantControl } from './control/tenant-control';
import { registerEntraRoutes } from './entra/entra-routes';
import { registerAdminRoutes } from './http/admin-routes';
import { registerGraphRoutes } from './http/graph-routes';
import { HungRequests } from './http/transport';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Where the CA and server certificate live (default `<repo>/.data/tenant-sim`). */
  certDir?: string;
  /** Default: one tenant of 100 users with generated ids and secret. */
  tenants?: TenantOptions[];
  /** Latency added to every request, in ms. */
  latencyMs?: number;
  /** Resource units per 10 s for every tenant (default: Graph's limit for each tenant's size). */
  throttle?: { limitPer10s: number };
  /** Answer $batch items in random order (default true). */
  shuffleBatch?: boolean;
}

export interface TenantInfo {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  domain: string;
  userCount: number;
}

export interface Simulator {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  /** What ClientSecretCredential takes as authorityHost. */
  authorityHost: string;
  /** What the Graph client takes as baseUrl (no version segment). */
  graphBaseUrl: string;
  caCertPath: string;
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
  close(): Promise<void>;
}

export function defaultTenant(overrides: Partial<TenantOptions> = {}): TenantOptions {
  return {
    tenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: `sim~${randomBytes(24).toString('base64url')}`,
    domain: 'contoso.example',
    userCount: 100,
    ...overrides,
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const certificates = ensureCertificates(options.certDir);
  const tenantOptions = options.tenants?.length ? options.tenants : [defaultTenant()];
  const tenants = new Map<string, SimTenant>();
  for (const tenantOption of tenantOptions) {
    const tenant = new SimTenant({ throttleLimit: options.throttle?.limitPer10s, ...tenantOption });
    tenants.set(tenant.tenantId, tenant);
  }
  const context: SimContext = {
    tenants,
    tokens: new TokenRegistry(),
    faults: new FaultPlan(),
    latency: new LatencyPlan(),
    stats: new StatsRecorder(),
    shuffleBatch: options.shuffleBatch ?? true,
  };
  const applyDefaultLatency = () => context.latency.set(options.latencyMs ?? 0);
  applyDefaultLatency();
  const hung = new HungRequests();

  const app = Fastify({
    https: { key: readFileSync(certificates.serverKeyPath), cert: readFileSync(certificates.serverCertPath) },
    logger: false,
    forceCloseConnections: true,
    // Graph ids, skiptokens and $filter values make long URLs.
    routerOptions: { maxParamLength: 2000 },
  });
  registerEntraRoutes(app, context, hung);
  registerGraphRoutes(app, context, hung);

  const controls = new Map(
    [...tenants.values()].map((tenant) => [tenant.tenantId, new TenantControl(tenant, context.tokens)]),
  );
  const firstTenantId = [...tenants.keys()][0];

  const host = options.host ?? '127.0.0.1';
  const simulator: Simulator = {
    url: '',
    authorityHost: '',
    graphBaseUrl: '',
    caCertPath: certificates.caCertPath,
    tenants: [...tenants.values()].map((tenant) => ({
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      domain: tenant.domain,
      userCount: tenant.directory.seededCount,
    })),
    tenant(tenantId = firstTenantId) {
      const control = controls.get(tenantId.toLowerCase());
      if (!control) throw new Error(`Unknown tenant ${tenantId}`);
      return control;
    },
    setFaults: (rules) => context.faults.set(rules),
    addFault: (rule) => context.faults.add(rule),
    clearFaults: () => context.faults.clear(),
    faults: () => context.faults.list(),
    setLatency: (ms, route) => context.latency.set(ms, route),
    setThrottle(limitPer10s, tenantId) {
      const targets = tenantId ? [simulator.tenant(tenantId)] : [...controls.values()];
      for (const control of targets) control.configure({ throttleLimit: limitPer10s });
    },
    stats: () => context.stats.snapshot(),
    resetStats: () => context.stats.reset(),
    reset() {
      for (const control of controls.values()) control.reset();
      context.faults.clear();
      context.latency.clear();
      applyDefaultLatency();
      context.stats.reset();
    },
    async close() {
      hung.releaseAll();
      await app.close();
    },
  };
  registerAdminRoutes(app, simulator);

  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  simulator.url = `https://${hostInUrl}:${port}`;
  simulator.authorityHost = simulator.url;
  simulator.graphBaseUrl = simulator.url;
  return simulator;
}
