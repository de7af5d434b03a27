import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { saveConnection } from '../../src/features/settings/connection-repository';
import { defaultMapping } from '../../src/features/users/profile-fields';
import { seedImportedUsers } from '../support/fixtures';

/** Ids that exist, so generated requests reach handlers past their "not found" checks. */
export interface KnownRecords {
  userIds: string[];
  apiKeyIds: string[];
  syncRunIds: string[];
  groupIds: string[];
}

export const fuzzTenantId = 'fuzz-tenant.example';

/**
 * A tenant is configured, but without a client secret: listings of its imported users work (and decode
 * cursors), while everything that would call Azure AD (import, directory search, test, sync) stops at
 * 409 `azure_ad_not_configured` before any network traffic.
 */
export async function seedKnownRecords(db: Knex, createApiKey: () => Promise<string>): Promise<KnownRecords> {
  await saveConnection(db, {
    tenant_id: fuzzTenantId,
    client_id: randomUUID(),
    client_secret_encrypted: null,
    authority_host: 'https://login.microsoftonline.com',
    graph_base_url: 'https://graph.microsoft.com',
    mapping: defaultMapping,
  });
  await seedImportedUsers(
    db,
    fuzzTenantId,
    Array.from({ length: 30 }, (_, index) => ({
      username: `imported.${index}@fuzz-tenant.example`,
      firstName: `First${index}`,
      lastName: `Last${index}`,
    })),
  );
  await db('users').insert(
    Array.from({ length: 10 }, (_, index) => ({
      username: `local.${index}`,
      email: `local.${index}@reports.example`,
      first_name: 'Local',
      last_name: `User ${index}`,
      source: 'local',
    })),
  );
  await createApiKey();
  const requestedBy = JSON.stringify({ kind: 'administrator', id: null, name: 'admin' });
  // Finished runs only: an event stream on a running run would stay open for the whole test.
  await db('sync_runs').insert(
    (['succeeded', 'blocked'] as const).map((status) => ({
      status,
      selection: JSON.stringify({ kind: 'allMatching', search: '' }),
      requested_by: requestedBy,
      tenant_id: fuzzTenantId,
      started_at: db.fn.now(),
      finished_at: db.fn.now(),
    })),
  );
  // A local group with members, and an imported one, so group routes reach past "not found".
  const userIds = (await db('users').select('id').limit(5)).map((row) => String(row.id));
  const [localGroup] = await db('groups')
    .insert({ name: 'Fuzz Local Group', source: 'local' })
    .returning('id');
  await db('groups').insert({
    name: 'Fuzz Imported Group',
    source: 'azure_ad',
    tenant_id: fuzzTenantId,
    object_id: randomUUID(),
  });
  await db('group_members').insert(userIds.map((userId) => ({ group_id: localGroup.id, user_id: userId })));
  const ids = async (table: string) => (await db(table).select('id')).map((row) => String(row.id));
  return {
    userIds: await ids('users'),
    apiKeyIds: await ids('api_keys'),
    syncRunIds: await ids('sync_runs'),
    groupIds: await ids('groups'),
  };
}
