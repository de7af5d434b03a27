/**
 * npm run bench:delta -w @adsync/service — whole-directory sync with Graph's delta query against a simulated
 * tenant (in a child process) with Graph's per-request latency and large-tenant throttle, end to end through
 * POST /api/sync. Prints, for the first (full) pass and for an incremental pass after some users changed: time,
 * Graph HTTP requests, resource units, and peak RSS of the service side.
 *   --users N        directory users (default 1000000; the simulator generates them lazily)
 *   --imported N     of which imported into the reporting server (default: all)
 *   --latency MS     simulator latency per request (default 50)
 *   --throttle RU    resource units per 10 s (default 8000, Graph's limit for tenants over 500 users)
 *   --changed P      percent of the imported users changed upstream before the incremental pass (default 1)
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import knex, { type Knex } from 'knex';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { bootstrapAdministrator } from '../src/features/auth/bootstrap';
import { defaultMapping, mapProfile } from '../src/features/settings/attribute-mapping';
import { saveConnection } from '../src/features/settings/connection-repository';
import { profileColumns } from '../src/features/users/user';
import { loadContract } from '../src/infra/contract/contract';
import { SecretBox } from '../src/infra/crypto/secret-box';
import { openDatabase } from '../src/infra/db/database';
import { migrateToLatest } from '../src/infra/db/migrate';
import {
  graphToken,
  rerunTrustingSimulatorCa,
  type SimProcess,
  simAdmin,
  startSimulatorProcess,
} from './simulator-process';

rerunTrustingSimulatorCa(__filename);

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    imported: { type: 'string' },
    latency: { type: 'string', default: '50' },
    throttle: { type: 'string', default: '8000' },
    changed: { type: 'string', default: '1' },
  },
});
const userCount = Number(values.users);
const importedCount = Number(values.imported ?? values.users);
const latencyMs = Number(values.latency);
const throttle = Number(values.throttle);
const changedPercent = Number(values.changed);
const selectQuery =
  '$select=id,userPrincipalName,displayName,givenName,surname,mail,mobilePhone,businessPhones';

/**
 * Imports the first `importedCount` directory users as they are upstream, read page by page from Graph before
 * latency and throttle are switched on, inserted in multi-row statements. Keeps the object ids of the users
 * the bench will change upstream (every 100/P-th imported user).
 */
async function importDirectory(db: Knex, sim: SimProcess, token: string): Promise<string[]> {
  const toChange: string[] = [];
  const every = Math.max(1, Math.round(100 / changedPercent));
  let imported = 0;
  let next: string | undefined = `${sim.url}/v1.0/users?${selectQuery}&$top=999`;
  while (next && imported < importedCount) {
    const response = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as {
      value: Array<Parameters<typeof mapProfile>[0] & { id: string }>;
      '@odata.nextLink'?: string;
    };
    const rows = page.value.slice(0, importedCount - imported).map((user) => {
      if (imported % every === 0) toChange.push(user.id);
      imported += 1;
      return {
        ...profileColumns(mapProfile(user, defaultMapping)),
        source: 'azure_ad',
        object_id: user.id,
        tenant_id: sim.tenantId,
        last_synced_at: new Date(),
      };
    });
    if (rows.length > 0) await db('users').insert(rows);
    next = page['@odata.nextLink'];
  }
  return toChange;
}

/** A fresh database for the bench: a new one on the server (DATABASE_URL) or an embedded one in a temp dir. */
async function createBenchDatabase() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-bench-delta-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return {
      url: undefined,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `adsync_bench_${randomBytes(4).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const openBenchDatabase = (url: string | undefined, dataDir: string) =>
  openDatabase({ url, dataDir: path.join(dataDir, 'database'), poolMax: 10 });

/**
 * Seeding runs in a child process of its own, so the peak RSS measured here is the service's, not the
 * leftovers of loading a million users. It leaves the object ids of the users to change in a file.
 */
async function seedInChild(sim: SimProcess, url: string | undefined, dataDir: string): Promise<string[]> {
  const sampleFile = path.join(dataDir, 'sample.json');
  const seeding = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      BENCH_SEED: JSON.stringify({ sim: { ...sim, child: undefined }, url, dataDir, sampleFile }),
    },
  });
  if (seeding.status !== 0) throw new Error('seeding failed');
  return JSON.parse(fs.readFileSync(sampleFile, 'utf8'));
}

async function seed(job: { sim: SimProcess; url?: string; dataDir: string; sampleFile: string }) {
  const database = await openBenchDatabase(job.url, job.dataDir);
  await migrateToLatest(database.knex);
  process.stdout.write(`seeding ${importedCount} imported users (${database.kind} database)...\n`);
  const started = performance.now();
  const toChange = await importDirectory(database.knex, job.sim, await graphToken(job.sim));
  process.stdout.write(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  fs.writeFileSync(job.sampleFile, JSON.stringify(toChange));
  await database.close();
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

interface GraphStats {
  requests: Record<string, number>;
  resourceUnits: number;
  throttled: number;
}

/** One whole-directory run through the API, measured: time, Graph traffic, peak RSS of this process. */
async function measuredRun(app: FastifyInstance, sim: SimProcess, cookie: string, label: string) {
  await simAdmin(sim, 'DELETE', '/stats');
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const started = performance.now();
  const response = await app.inject({
    method: 'POST',
    url: '/api/sync',
    headers: { cookie },
    payload: { selection: { wholeDirectory: {} } },
  });
  if (response.statusCode !== 202) throw new Error(`POST /api/sync: ${response.statusCode} ${response.body}`);
  const runId = response.json().id as string;
  let run: {
    status: string;
    counts: Record<string, number>;
    selection: { pass: string };
    progress: { processed: number };
    error: string | null;
  };
  for (;;) {
    const polled = await app.inject({ method: 'GET', url: `/api/sync/runs/${runId}`, headers: { cookie } });
    run = polled.json();
    if (!['queued', 'running'].includes(run.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const stats = (await simAdmin(sim, 'GET', '/stats')) as GraphStats;
  const graphRequests = Object.entries(stats.requests)
    .filter(([route]) => route !== 'openid' && route !== 'token')
    .reduce((sum, [, count]) => sum + count, 0);
  return [
    `  ${label} (${run.selection.pass} pass): ${run.status}${run.error ? ` (${run.error})` : ''}  ${JSON.stringify(run.counts)}, processed ${run.progress.processed}`,
    `    time:            ${seconds.toFixed(1)} s (POST /api/sync to the run's end)`,
    `    Graph requests:  ${graphRequests} HTTP (${JSON.stringify(stats.requests)})`,
    `    resource units:  ${stats.resourceUnits} (${stats.throttled} throttled)`,
    `    peak RSS:        ${mb(peakRss)} (this process: the service${process.env.DATABASE_URL ? '' : ' with its embedded database'}; the simulator runs apart)`,
  ];
}

async function main() {
  const sim = await startSimulatorProcess(userCount);
  const { url, dataDir, drop } = await createBenchDatabase();
  try {
    const toChange = await seedInChild(sim, url, dataDir);
    const database = await openBenchDatabase(url, dataDir);
    const secretBox = new SecretBox(randomBytes(32));
    await saveConnection(database.knex, {
      tenant_id: sim.tenantId,
      client_id: sim.clientId,
      client_secret_encrypted: secretBox.seal(sim.clientSecret),
      authority_host: sim.url,
      graph_base_url: sim.url,
      mapping: defaultMapping,
    });
    await bootstrapAdministrator(database.knex, 'admin', 'bench-password-123');
    const config = loadConfig({
      ...process.env,
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      WEB_DIST_DIR: '/nonexistent',
    });
    const app = await buildApp({ config, database, contract: loadContract(config.OPENAPI_PATH), secretBox });
    await app.ready();
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { username: 'admin', password: 'bench-password-123' },
    });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0];

    const throttled = async () => {
      await simAdmin(sim, 'PUT', '/latency', { ms: latencyMs });
      await simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}`, { throttleLimit: throttle });
      // A fresh bucket: the preparation must not have used up the throttle the run is measured against.
      await new Promise((resolve) => setTimeout(resolve, 10_500));
    };
    await throttled();
    const lines = [
      `whole-directory sync: ${userCount.toLocaleString('en')} directory users, ${importedCount.toLocaleString('en')} imported, ${database.kind} database, latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
      ...(await measuredRun(app, sim, cookie, 'first run')),
    ];

    // The changes are made through the simulator's admin API, unthrottled and without latency.
    await simAdmin(sim, 'PUT', '/latency', { ms: 0 });
    await simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}`, { throttleLimit: 10_000_000 });
    for (let start = 0; start < toChange.length; start += 50) {
      await Promise.all(
        toChange
          .slice(start, start + 50)
          .map((objectId) =>
            simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}/users/${objectId}`, { surname: 'Changed' }),
          ),
      );
    }
    await throttled();
    lines.push(...(await measuredRun(app, sim, cookie, `after ${toChange.length} users changed`)));
    process.stdout.write(`${lines.join('\n')}\n`);
    await app.close();
  } finally {
    sim.child.kill('SIGTERM');
    await drop();
  }
}

const seedJob = process.env.BENCH_SEED;
(seedJob ? seed(JSON.parse(seedJob)) : main())
  .then(() => process.exit(0))
  .catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
