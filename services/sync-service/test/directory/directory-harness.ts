import { type Simulator, startSimulator, type TenantOptions } from '@adsync/tenant-sim';
import { mappableProperties } from '../../src/features/users/profile-fields';
import {
  createGraphDirectoryClient,
  type DirectoryClientOptions,
  type DirectoryConnection,
} from '../../src/infra/directory';

/** A secret distinctive enough that finding it in any output is certainly a leak. */
export const SECRET = 'Sh0uld~Never.Leak_7f3a9c2e';

export const TENANT: TenantOptions = {
  tenantId: '3b7c1d2e-5f60-4a71-8b92-a3b4c5d6e7f8',
  clientId: '9e8d7c6b-5a49-4382-9716-05f4e3d2c1b0',
  clientSecret: SECRET,
  domain: 'northwind.example',
  userCount: 700,
};

export async function startDirectorySimulator(tenant: Partial<TenantOptions> = {}): Promise<Simulator> {
  return startSimulator({ tenants: [{ ...TENANT, ...tenant }] });
}

export function connectionTo(
  sim: Simulator,
  overrides: Partial<DirectoryConnection> = {},
): DirectoryConnection {
  return {
    tenantId: TENANT.tenantId,
    clientId: TENANT.clientId,
    clientSecret: SECRET,
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    ...overrides,
  };
}

/** Small timeouts and retry budgets keep failure tests fast; real defaults are larger. */
export function clientFor(
  sim: Simulator,
  options: DirectoryClientOptions = {},
  overrides: Partial<DirectoryConnection> = {},
) {
  return createGraphDirectoryClient(connectionTo(sim, overrides), {
    maxRetries: 2,
    timeoutMs: 3_000,
    userProperties: mappableProperties,
    ...options,
  });
}
