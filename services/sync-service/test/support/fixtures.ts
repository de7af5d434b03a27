import { randomUUID } from 'node:crypto';
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
