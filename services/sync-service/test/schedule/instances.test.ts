import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Simulator, startSimulator } from '@adsync/tenant-sim';
import knex from 'knex';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { openDatabase } from '../../src/infra/db/database';
import { migrateToLatest } from '../../src/infra/db/migrate';
import { createServerDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { testTenant } from '../support/fixtures';
import { localPeersAllowed } from '../support/local-peers';
import { importSeededUsers, storeConnection } from '../sync/sync-testbed';
import { adminClient, type ServiceProcess, startServiceProcess } from './service-processes';

/**
 * Three service processes on one PostgreSQL database, as in a scaled deployment. The embedded database is
 * single-process by design (one process holds its files), so this only runs with DATABASE_URL.
 */
const onServer = Boolean(process.env.DATABASE_URL);
const describeOnServer = onServer ? describe : describe.skip;
if (!onServer) {
  process.stdout.write(
    'instances.test.ts skipped: several service processes need a PostgreSQL server (set DATABASE_URL); the embedded database is single-process\n',
  );
}

const password = 'instances-test-password';
const userCount = 60;
const cadenceSeconds = 3;

describeOnServer('three service processes on one database', () => {
  let sim: Simulator;
  let dataDir: string;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ tenants: [testTenant({ userCount })] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-instances-'));
    const created = await createServerDatabase(process.env.DATABASE_URL as string, 'adsync_instances');
    databaseUrl = created.url;
    dropDatabase = created.drop;

    const key = randomBytes(32);
    const database = await openDatabase({ url: databaseUrl, dataDir: 'unused' });
    await migrateToLatest(database);
    await storeConnection(database.knex, new SecretBox(key), sim);
    const entries = Array.from({ length: userCount }, (_, index) => ({ index, position: index + 1 }));
    await importSeededUsers(database.knex, sim, entries);
    await database.close();

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      SECRET_ENCRYPTION_KEY: key.toString('base64'),
      ADMIN_PASSWORD: password,
      WEB_DIST_DIR: '/nonexistent',
      SYNC_CHUNK_SIZE: '10',
      SYNC_HEARTBEAT_SECONDS: '0.5',
      SYNC_LEASE_SECONDS: '5',
      SCHEDULER_TICK_SECONDS: '0.2',
      ...localPeersAllowed,
    };
    // The first start bootstraps the administrator; the others then find it.
    services.push(await startServiceProcess(env));
    services.push(...(await Promise.all([startServiceProcess(env), startServiceProcess(env)])));
  }, 90_000);

  afterAll(async () => {
    for (const service of services) service.child.kill('SIGTERM');
    await Promise.all(services.map((service) => service.exited));
    await sim?.close();
    await dropDatabase?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a run started through one process to the others, and refuses a second run anywhere', async () => {
    const [first, second, third] = await Promise.all(
      services.map((service) => adminClient(service, password)),
    );
    sim.setLatency(300);
    try {
      const started = await first('/api/sync', {
        method: 'POST',
        body: JSON.stringify({ selection: { allMatching: { search: '' } } }),
      });
      expect(started.status).toBe(202);
      const runId = started.body.id;

      const seen = await second('/api/sync');
      expect(seen.body.running?.id).toBe(runId);
      const refused = await third('/api/sync', {
        method: 'POST',
        body: JSON.stringify({ selection: { allMatching: { search: '' } } }),
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'sync_already_running', runningRunId: runId });

      sim.setLatency(0);
      const ended = await eventually(async () => {
        const { body } = await third(`/api/sync/runs/${runId}`);
        return body.status === 'running' ? undefined : body;
      }, 60_000);
      expect(ended.status).toBe('succeeded');
      expect(ended.progress.processed).toBe(userCount);
      const status = await second('/api/sync');
      expect(status.body).toMatchObject({ running: null, last: { id: runId, status: 'succeeded' } });
    } finally {
      sim.setLatency(0);
    }
  }, 90_000);

  it('starts each scheduled occurrence exactly once across the three processes', async () => {
    const [first, second] = await Promise.all(services.map((service) => adminClient(service, password)));
    const enabled = await second('/api/sync/schedule', {
      method: 'PUT',
      body: JSON.stringify({ enabled: true, cron: `*/${cadenceSeconds} * * * * *` }),
    });
    expect(enabled.status).toBe(200);
    const enabledAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5 * cadenceSeconds * 1000 + 500));
    await second('/api/sync/schedule', { method: 'PUT', body: JSON.stringify({ enabled: false }) });
    const disabledAt = Date.now();
    await eventually(async () => ((await first('/api/sync')).body.running === null ? true : undefined));

    const { body: page } = await first('/api/sync/runs?limit=100');
    const scheduled: Array<{ id: string; createdAt: string; requestedBy: { kind: string } }> =
      page.items.filter((run: { trigger: string }) => run.trigger === 'scheduled');
    const occurrences =
      Math.floor(disabledAt / (cadenceSeconds * 1000)) - Math.floor(enabledAt / (cadenceSeconds * 1000));
    expect(scheduled.length).toBeGreaterThanOrEqual(occurrences - 1);
    expect(scheduled.length).toBeLessThanOrEqual(occurrences);
    // One run per occurrence: no two scheduled runs were created within the same cron slot.
    const slots = scheduled.map((run) => Math.floor(Date.parse(run.createdAt) / (cadenceSeconds * 1000)));
    expect(new Set(slots).size).toBe(scheduled.length);
    expect(scheduled.every((run) => run.requestedBy.kind === 'schedule')).toBe(true);

    // Every process ticked and lost claims; each run was started by the one process that logged it.
    const startedBy = scheduled.map(
      (run) => services.filter((service) => service.output().includes(`"runId":"${run.id}","dueAt"`)).length,
    );
    expect(startedBy.every((count) => count === 1)).toBe(true);
  }, 90_000);

  it('has a surviving process mark a run killed with its process (kill -9) interrupted, with nobody reading it', async () => {
    const [first] = await Promise.all(services.map((service) => adminClient(service, password)));
    const db = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
    sim.setLatency(300);
    try {
      const started = await first('/api/sync', {
        method: 'POST',
        body: JSON.stringify({ selection: { allMatching: { search: '' } } }),
      });
      expect(started.status).toBe(202);
      const runId: string = started.body.id;
      await eventually(async () => {
        const row = await db('sync_runs').where({ id: runId }).first('processed');
        return row.processed >= 10 ? true : undefined;
      }, 30_000);
      services[0].child.kill('SIGKILL');
      await services[0].exited;
      const killedAt = Date.now();

      // No request to any process from here: only the survivors' scheduler ticks can notice.
      const marked = await eventually(async () => {
        const row = await db('sync_runs').where({ id: runId }).first();
        return row.status === 'interrupted' ? row : undefined;
      }, 30_000);
      expect(marked.finished_at).toEqual(marked.heartbeat_at);
      expect(marked.finished_at.getTime()).toBeLessThanOrEqual(killedAt);
      // The marking process logs after its update commits, and its output crosses a pipe: wait for the line,
      // then check that no other survivor claims the same run.
      const markLines = () =>
        services
          .slice(1)
          .flatMap((service) => service.output().split('\n'))
          .filter(
            (line) => line.includes('marked a sync run interrupted') && line.includes(`"runId":"${runId}"`),
          );
      await eventually(() => (markLines().length > 0 ? true : undefined), 10_000);

      for (const survivor of services.slice(1)) {
        const metrics = await (await fetch(`${survivor.url}/metrics`)).text();
        expect(metrics).toMatch(/adsync_sync_runs\{status="running"\} 0\n/);
      }
      expect(markLines()).toHaveLength(1);
    } finally {
      sim.setLatency(0);
      await db.destroy();
    }
  }, 90_000);
});
