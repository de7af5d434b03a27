import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { ensureCertificates } from './certificates';
import { FaultPlan, LatencyPlan } from './control/faults';
import type { SimContext } from './control/sim-context';
import { SimTenant, type TenantOptions, TokenRegistry } from './control/sim-tenant';
import { type SimulatorControl, simulatorControl } from './control/simulator-control';
import { StatsRecorder } from './control/stats';
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

export interface Simulator extends SimulatorControl {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  /** What ClientSecretCredential takes as authorityHost. */
  authorityHost: string;
  /** What the Graph client takes as baseUrl (no version segment). */
  graphBaseUrl: string;
  caCertPath: string;
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

/**
 * The seeded directory of a tenant, without a server: what a simulator started with the same options (same
 * tenant id or seed) serves before any change. Benchmarks seed a service's store from it.
 */
export function seededTenant(options: TenantOptions): TenantControl {
  return new TenantControl(new SimTenant(options), new TokenRegistry());
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
  const control = simulatorControl(context, options.latencyMs);
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
  registerAdminRoutes(app, control);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const url = `https://${hostInUrl}:${port}`;
  return {
    ...control,
    url,
    authorityHost: url,
    graphBaseUrl: url,
    caCertPath: certificates.caCertPath,
    async close() {
      hung.releaseAll();
      await app.close();
    },
  };
}
