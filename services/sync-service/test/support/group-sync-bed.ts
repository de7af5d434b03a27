import type { components } from '@adsync/shared';
import { type Simulator, startSimulator } from '@adsync/tenant-sim';
import { mappableProperties } from '../../src/features/users/profile-fields';
import { createGraphDirectoryClient } from '../../src/infra/directory';
import { storeConnection, testSyncEnv } from '../sync/sync-testbed';
import { testTenant } from './fixtures';
import { startTestApp, type TestApp } from './harness';
import { importedGroups } from './imported-groups';

/**
 * What a test file of group syncs sets up, with its hooks: a simulated tenant, the app (small chunks) with a
 * Graph client that retries once and waits 5 s at most, the tenant's connection stored; faults are cleared
 * after each test. `sim` and `t` are there once `beforeAll` has run.
 */
export function groupSyncBed(options: {
  tenant: Parameters<typeof testTenant>[0];
  env?: Record<string, string>;
  /** Members a page of `/members` and `/transitiveMembers` (Graph's own 999 by default). */
  memberPageSize?: number;
}) {
  let sim: Simulator | undefined;
  let t: TestApp | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [testTenant(options.tenant)] });
    t = await startTestApp(
      { ...testSyncEnv, ...options.env },
      {
        createDirectoryClient: (connection) =>
          createGraphDirectoryClient(connection, {
            ...(options.memberPageSize ? { memberPageSize: options.memberPageSize } : {}),
            maxRetries: 1,
            timeoutMs: 5_000,
            userProperties: mappableProperties,
          }),
      },
    );
    await storeConnection(t.app.db, t.app.directoryAccess.secretBox, sim);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });
  afterEach(() => sim?.clearFaults());

  const started = <Value>(value: Value | undefined): Value => {
    if (value === undefined) throw new Error('the group sync bed starts in beforeAll');
    return value;
  };
  const simulator = () => started(sim);
  const app = () => started(t);
  return {
    get sim() {
      return simulator();
    },
    get t() {
      return app();
    },
    tenant: () => simulator().tenant(),
    ...importedGroups(() => app().app.db, simulator),

    /** Starts a sync as the administrator and answers the run as it ended (`Prefer: wait=30`). */
    async syncAndWait(body: object) {
      const response = await app()
        .http.post('/api/sync')
        .set('cookie', app().adminCookie)
        .set('prefer', 'wait=30')
        .send(body);
      expect(response.status).toBe(200);
      return response.body;
    },

    /** The group items of a run (its first 100). */
    async groupItems(runId: string) {
      const response = await app()
        .http.get(`/api/sync/runs/${runId}/group-items?limit=100`)
        .set('cookie', app().adminCookie)
        .expect(200);
      return response.body.items as components['schemas']['SyncRunGroupItem'][];
    },
  };
}
