import { randomUUID } from 'node:crypto';
import { defaultTenant, type TenantOptions } from '@adsync/tenant-sim';
import type { Knex } from 'knex';
import { saveConnection } from '../../src/features/settings/connection-repository';
import { defaultMapping } from '../../src/features/users/profile-fields';
import type { SecretBox } from '../../src/infra/crypto/secret-box';

/** Stores a connection to a tenant (not reachable unless the endpoints are a running simulator's). */
export async function configureTenant(
  db: Knex,
  secretBox: SecretBox,
  tenant: {
    tenantId: string;
    clientId?: string;
    clientSecret?: string;
    authorityHost?: string;
    graphBaseUrl?: string;
  },
) {
  await saveConnection(db, {
    tenant_id: tenant.tenantId,
    client_id: tenant.clientId ?? randomUUID(),
    client_secret_encrypted: secretBox.seal(tenant.clientSecret ?? 'test-secret'),
    authority_host: tenant.authorityHost ?? 'https://login.microsoftonline.com',
    graph_base_url: tenant.graphBaseUrl ?? 'https://graph.microsoft.com',
    mapping: defaultMapping,
  });
}

export interface ImportedUserSeed {
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  objectId?: string;
}

/** Inserts imported users of a tenant directly, in bulk. */
export async function seedImportedUsers(db: Knex, tenantId: string, users: ImportedUserSeed[]) {
  const rows = users.map((user) => ({
    username: user.username,
    first_name: user.firstName ?? '',
    last_name: user.lastName ?? '',
    email: user.email ?? `${user.username}`,
    source: 'azure_ad',
    object_id: user.objectId ?? randomUUID(),
    tenant_id: tenantId,
  }));
  for (let start = 0; start < rows.length; start += 1000) {
    await db('users').insert(rows.slice(start, start + 1000));
  }
}

/**
 * The seed of the tests' simulated tenants. The tests import seeded users by index and take them as enabled
 * in Azure AD, as 19 in 20 seeded users are; a tenant seeded from its random id made that false for a given
 * user in one run in twenty. The first 60 users of this seed are all enabled (the testbed checks it).
 */
export const testTenantSeed = 2;

/** A simulated tenant for tests: `defaultTenant` with the tests' fixed seed. */
export function testTenant(overrides: Partial<TenantOptions> = {}): TenantOptions {
  return defaultTenant({ seed: testTenantSeed, ...overrides });
}
