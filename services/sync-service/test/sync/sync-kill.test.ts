import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Simulator, startSimulator } from '@adsync/tenant-sim';
import knex from 'knex';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { openDatabase } from '../../src/infra/db/database';
import { migrateToLatest } from '../../src/infra/db/migrate';
import { testTenant } from '../support/fixtures';
import { localPeersAllowed } from '../support/local-peers';
import { importSeededUsers, storeConnection } from './sync-testbed';

/**
 * The service runs in a child process (src/server.ts, as deployed) and is killed with SIGKILL in the middle
 * of a run; a restarted service must report the run `interrupted` with counts equal to what was committed,
 * and no user may be half-written.
 */
const serviceDir = path.resolve(__dirname, '..', '..');
const password = 'kill-test-password-123';
const userCount = 150;

interface RunningService {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startService(env: NodeJS.ProcessEnv): Promise<RunningService> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: serviceDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /adsync ready at (http:\/\/\S+)/.exec(output);
      if (ready) resolve({ child, url: ready[1].replace('localhost', '127.0.0.1'), exited });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    exited.then((code) => reject(new Error(`the service exited (${code}):\n${output}`)));
  });
}

/** A killed embedded database keeps its lock file until the lock goes stale; keep trying until then. */
async function restartService(env: NodeJS.ProcessEnv): Promise<RunningService> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    try {
      return await startService(env);
    } catch (error) {
      if (Date.now() > deadline || !/another process/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

async function signIn(service: RunningService): Promise<string> {
  const response = await fetch(`${service.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  expect(response.status).toBe(200);
  return String(response.headers.get('set-cookie')).split(';')[0];
}

interface RunBody {
  id: string;
  status: string;
  error: string | null;
  finishedAt: string;
  progress: { processed: number; total: number };
  counts: Record<'modified' | 'deleted' | 'duplicated' | 'unchanged' | 'failed', number>;
}

interface PageBody<Item> {
  items: Item[];
}

async function api<Body = RunBody>(
  service: RunningService,
  cookie: string,
  url: string,
  init: RequestInit = {},
) {
  const response = await fetch(`${service.url}${url}`, {
    ...init,
    headers: { cookie, 'content-type': 'application/json', origin: service.url, ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Body };
}

describe('a run killed mid-way', () => {
  let sim: Simulator;
  let dataDir: string;
  let serverDatabase: { url: string; drop(): Promise<void> } | undefined;
  const services: RunningService[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ tenants: [testTenant({ userCount })] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-kill-'));
    if (process.env.DATABASE_URL) {
      const name = `adsync_kill_${randomBytes(6).toString('hex')}`;
      const admin = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
      await admin.raw(`create database ${name}`);
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      serverDatabase = {
        url: url.toString(),
        async drop() {
          await admin.raw(`drop database if exists ${name} with (force)`);
          await admin.destroy();
        },
      };
    }
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

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: serverDatabase?.url ?? '',
      SECRET_ENCRYPTION_KEY: key.toString('base64'),
      ADMIN_PASSWORD: password,
      WEB_DIST_DIR: '/nonexistent',
      SYNC_CHUNK_SIZE: '10',
      SYNC_HEARTBEAT_SECONDS: '0.2',
      SYNC_LEASE_SECONDS: '1',
      ...localPeersAllowed,
    };
    const first = await startService(env);
    services.push(first);
    const firstCookie = await signIn(first);
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
    const cookie = await signIn(second);
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
    const thirdCookie = await signIn(third);
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
