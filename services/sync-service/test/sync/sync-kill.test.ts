import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Simulator, startSimulator } from '@adsync/tenant-sim';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { openDatabase } from '../../src/infra/db/database';
import { migrateToLatest } from '../../src/infra/db/migrate';
import { createServerDatabase, type ServerDatabase } from '../support/databases';
import { testTenant } from '../support/fixtures';
import {
  api,
  killTestEnv,
  type PageBody,
  type RunningService,
  restartService,
  signIn,
  startService,
} from '../support/service-child';
import { importSeededUsers, storeConnection } from './sync-testbed';

/**
 * The service runs in a child process (src/server.ts, as deployed) and is killed with SIGKILL in the middle
 * of a run; a restarted service must report the run `interrupted` with counts equal to what was committed,
 * and no user may be half-written.
 */
const password = 'kill-test-password-123';
const userCount = 150;

describe('a run killed mid-way', () => {
  let sim: Simulator;
  let dataDir: string;
  let serverDatabase: ServerDatabase | undefined;
  const services: RunningService[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ tenants: [testTenant({ userCount })] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-kill-'));
    if (process.env.DATABASE_URL)
      serverDatabase = await createServerDatabase(process.env.DATABASE_URL, 'adsync_kill');
  });

  afterAll(async () => {
    for (const service of services) service.child.kill('SIGKILL');
    await sim.close();
    await serverDatabase?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads interrupted after a restart, with counts equal to what was applied and no half-written user', async () => {
    const key = randomBytes(32);
    const database = await openDatabase({
      url: serverDatabase?.url,
      dataDir: path.join(dataDir, 'database'),
    });
    await migrateToLatest(database);
    await storeConnection(database.knex, new SecretBox(key), sim);
    const entries = Array.from({ length: userCount }, (_, index) => ({ index, position: index + 1 }));
    await importSeededUsers(database.knex, sim, entries);
    await database.close();

    const tenant = sim.tenant();
    for (let index = 0; index < userCount; index += 1) {
      tenant.updateUser(tenant.userId(index), {
        givenName: `New${index}`,
        surname: `Changed${index}`,
        mail: `moved${index}@contoso.example`,
      });
    }
    sim.setLatency(120);

    const env = killTestEnv({
      dataDir,
      databaseUrl: serverDatabase?.url,
      key,
      password,
      chunkSize: 10,
    });
    const first = await startService(env);
    services.push(first);
    const firstCookie = await signIn(first, password);
    const started = await api(first, firstCookie, '/api/sync', {
      method: 'POST',
      body: JSON.stringify({ selection: { allMatching: { search: '' } } }),
    });
    expect(started.status).toBe(202);
    const runId = started.body.id as string;
    for (;;) {
      const { body } = await api(first, firstCookie, `/api/sync/runs/${runId}`);
      expect(body.status).toBe('running');
      if (body.progress.processed >= 40) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();

    const second = await restartService(env);
    services.push(second);
    const cookie = await signIn(second, password);
    const { body: run } = await api(second, cookie, `/api/sync/runs/${runId}`);
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/stopped/);
    // Ended at its last heartbeat, not when the restarted service noticed.
    expect(Date.parse(run.finishedAt)).toBeLessThanOrEqual(killedAt);
    expect(run.progress.processed).toBeGreaterThanOrEqual(40);
    expect(run.progress.processed).toBeLessThan(userCount);
    expect(run.counts).toEqual({
      modified: run.progress.processed,
      deleted: 0,
      duplicated: 0,
      unchanged: 0,
      failed: 0,
    });

    const items = await api<PageBody<{ userId: string }>>(
      second,
      cookie,
      `/api/sync/runs/${runId}/items?limit=500`,
    );
    expect(items.body.items).toHaveLength(run.counts.modified);

    const listed = await api<PageBody<{ id: string; firstName: string; lastName: string; email: string }>>(
      second,
      cookie,
      '/api/imported-users?limit=500',
    );
    const users = listed.body.items;
    expect(users).toHaveLength(userCount);
    const synced = users.filter((user) => user.firstName.startsWith('New'));
    for (const user of users) {
      const index = Number(user.firstName.replace('New', ''));
      const whollyNew =
        user.firstName === `New${index}` &&
        user.lastName === `Changed${index}` &&
        user.email === `moved${index}@contoso.example`;
      const whollyOld =
        !user.firstName.startsWith('New') &&
        !user.lastName.startsWith('Changed') &&
        !user.email.startsWith('moved');
      expect(whollyNew || whollyOld).toBe(true);
    }
    expect(new Set(synced.map((user) => user.id))).toEqual(
      new Set(items.body.items.map((item) => item.userId)),
    );

    // A graceful stop (SIGTERM) mid-run: the run records that it was stopped, with what it applied.
    const resumed = await api(second, cookie, '/api/sync', {
      method: 'POST',
      body: JSON.stringify({ selection: { allMatching: { search: '' } } }),
    });
    expect(resumed.status).toBe(202);
    for (;;) {
      const { body } = await api(second, cookie, `/api/sync/runs/${resumed.body.id}`);
      if (body.progress.processed >= 20) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    second.child.kill('SIGTERM');
    await second.exited;

    const third = await startService(env);
    services.push(third);
    const thirdCookie = await signIn(third, password);
    const { body: stopped } = await api(third, thirdCookie, `/api/sync/runs/${resumed.body.id}`);
    expect(stopped.status).toBe('interrupted');
    expect(stopped.error).toMatch(/shut down/);
    const stoppedItems = await api<PageBody<unknown>>(
      third,
      thirdCookie,
      `/api/sync/runs/${resumed.body.id}/items?limit=500`,
    );
    expect(stoppedItems.body.items).toHaveLength(stopped.counts.modified);
    expect(stopped.counts.modified + stopped.counts.unchanged).toBe(stopped.progress.processed);
    third.child.kill('SIGTERM');
    await third.exited;
  }, 120_000);
});
