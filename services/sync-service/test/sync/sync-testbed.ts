import path from 'node:path';
import { DEFAULT_CERT_DIR, type Simulator, startSimulator } from '@adsync/tenant-sim';
import type { Knex } from 'knex';
import { defaultMapping, mapProfile } from '../../src/features/users/profile-fields';
import { profileColumns, type UserProfile } from '../../src/features/users/user';
import type { SecretBox } from '../../src/infra/crypto/secret-box';
import { configureTenant, testTenant } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/harness';

/** Small chunks so a handful of users already spans several chunks and transactions. */
export const testSyncEnv = { SYNC_CHUNK_SIZE: '7', SYNC_LEASE_SECONDS: '2', SYNC_HEARTBEAT_SECONDS: '0.5' };

if (process.env.NODE_EXTRA_CA_CERTS !== path.join(DEFAULT_CERT_DIR, 'ca.pem')) {
  throw new Error(
    'Sync tests talk to the HTTPS simulator: run jest with NODE_EXTRA_CA_CERTS=<repo>/.data/tenant-sim/ca.pem',
  );
}

/** Ordered user ids, so a test decides which users share a chunk (the selection is walked by id). */
export const userIdAt = (position: number) => `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`;

export interface SyncTestbed {
  sim: Simulator;
  t: TestApp;
  tenantId: string;
  /** The simulator's seeded user #index as the service would map it. */
  upstreamProfile(index: number): UserProfile;
  /** Imports seeded users #index as they are upstream now, under the ordered ids of `positions`. */
  importUsers(entries: Array<{ index: number; position: number }>): Promise<string[]>;
  close(): Promise<void>;
}

export async function storeConnection(db: Knex, secretBox: SecretBox, sim: Simulator) {
  const [tenant] = sim.tenants;
  await configureTenant(db, secretBox, {
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
  });
}

export async function importSeededUsers(
  db: Knex,
  sim: Simulator,
  entries: Array<{ index: number; position: number }>,
): Promise<string[]> {
  const tenant = sim.tenant();
  const rows = entries.map(({ index, position }) => {
    const record = tenant.user(index)?.user;
    if (!record) throw new Error(`No seeded user #${index}`);
    return {
      id: userIdAt(position),
      ...profileColumns(mapProfile(record, defaultMapping)),
      source: 'azure_ad',
      object_id: record.id,
      tenant_id: tenant.tenantId,
      // As an import under the default policy (accountState: sync) leaves a user disabled in Azure AD.
      is_active: record.accountEnabled,
      deactivated_by_sync: !record.accountEnabled,
    };
  });
  for (let start = 0; start < rows.length; start += 1000)
    await db('users').insert(rows.slice(start, start + 1000));
  return rows.map((row) => row.id);
}

export async function startSyncTestbed(
  env: Record<string, string> = {},
  userCount = 300,
  options: Parameters<typeof startTestApp>[1] = {},
): Promise<SyncTestbed> {
  const sim = await startSimulator({ tenants: [testTenant({ userCount })], shuffleBatch: true });
  const tenant = sim.tenant();
  const disabled = Array.from({ length: Math.min(userCount, 60) }, (_, index) => index).filter(
    (index) => tenant.user(index)?.user.accountEnabled === false,
  );
  if (disabled.length > 0) {
    await sim.close();
    throw new Error(`The tests take seeded users #0-59 as enabled; #${disabled.join(', #')} are not.`);
  }
  const t = await startTestApp({ ...testSyncEnv, ...env }, options);
  await storeConnection(t.app.db, t.app.directoryAccess.secretBox, sim);
  return {
    sim,
    t,
    tenantId: tenant.tenantId,
    upstreamProfile(index) {
      const record = tenant.user(index)?.user;
      if (!record) throw new Error(`No seeded user #${index}`);
      return mapProfile(record, defaultMapping);
    },
    importUsers: (entries) => importSeededUsers(t.app.db, sim, entries),
    async close() {
      await t.close();
      await sim.close();
    },
  };
}

/** Runs a sync of these users as the administrator and answers its final view (`Prefer: wait=30`). */
export async function syncAndWait(bed: SyncTestbed, userIds: string[], options: { dryRun?: boolean } = {}) {
  const response = await bed.t.http
    .post('/api/sync')
    .set('cookie', bed.t.adminCookie)
    .set('prefer', 'wait=30')
    .send({ selection: { userIds }, ...options });
  expect(response.status).toBe(200);
  expect(response.headers['preference-applied']).toBe('wait=30');
  return response.body;
}

/** Asks for the run until it is no longer queued or running; its final view. */
export async function runUntilEnd(bed: Pick<SyncTestbed, 't'>, runId: string) {
  for (;;) {
    const { body } = await bed.t.http
      .get(`/api/sync/runs/${runId}`)
      .set('cookie', bed.t.adminCookie)
      .expect(200);
    if (!['queued', 'running'].includes(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
