/**
 * npm run bench:sync -w @adsync/service — one sync run over N imported users against the simulator (in a child
 * process) with Graph's per-request latency and large-tenant throttle, end to end through POST /api/sync.
 * Prints total time, users/s, Graph HTTP requests, resource units, peak RSS of the service side, and the naive
 * way (one GET /users/{id} at a time) measured on a sample and extrapolated.
 *   --users N        imported users (default 100000; 1000000 works too)
 *   --latency MS     simulator latency per request (default 50)
 *   --throttle RU    resource units per 10 s (default 8000, Graph's limit for tenants over 500 users)
 *   --sample N       users read the naive way (default 200)
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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
    users: { type: 'string', default: '100000' },
    latency: { type: 'string', default: '50' },
    throttle: { type: 'string', default: '8000' },
    sample: { type: 'string', default: '200' },
  },
});
const userCount = Number(values.users);
const latencyMs = Number(values.latency);
const throttle = Number(values.throttle);
const sampleSize = Number(values.sample);
const selectQuery =
  '$select=id,userPrincipalName,displayName,givenName,surname,mail,mobilePhone,businessPhones';

/**
 * Imports every directory user as it is upstream, read page by page from Graph (before latency and
 * throttle are switched on); one in a hundred is stored with a stale last name so the run has work to do.
 */
async function importDirectory(db: Knex, sim: SimProcess, token: string): Promise<string[]> {
  // Only a spread sample of object ids is kept, for the naive reads and the upstream deletions.
  const sampled: string[] = [];
  const every = Math.max(1, Math.floor(userCount / sampleSize));
  let imported = 0;
  let next: string | undefined = `${sim.url}/v1.0/users?${selectQuery}&$top=999`;
  while (next) {
    const response = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as {
      value: Array<Parameters<typeof mapProfile>[0] & { id: string }>;
      '@odata.nextLink'?: string;
    };
    const rows = page.value.map((user) => {
      const profile = mapProfile(user, defaultMapping);
      const stale = imported % 100 === 0;
      if (imported % every === 0) sampled.push(user.id);
      imported += 1;
      return {
        ...profileColumns(stale ? { ...profile, lastName: `${profile.lastName}-stale` } : profile),
        source: 'azure_ad',
        object_id: user.id,
        tenant_id: sim.tenantId,
      };
    });
    if (rows.length > 0) await db('users').insert(rows);
    next = page['@odata.nextLink'];
  }
  return sampled;
}

/** A fresh database for the bench: a new one on the server (DATABASE_URL) or an embedded one in a temp dir. */
async function createBenchDatabase() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-bench-sync-'));
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
 * leftovers of loading a million users. It leaves the sampled object ids in a file.
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
  process.stdout.write(`seeding ${userCount} imported users (${database.kind} database)...\n`);
  const sampled = await importDirectory(database.knex, job.sim, await graphToken(job.sim));
  fs.writeFileSync(job.sampleFile, JSON.stringify(sampled));
  await database.close();
}

/** The naive way: one GET /users/{id} at a time, on a sample. */
async function naiveSeconds(sim: SimProcess, token: string, objectIds: string[]): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < sampleSize; index += 1) {
    const id = objectIds[index % objectIds.length];
    const response = await fetch(`${sim.url}/v1.0/users/${id}?${selectQuery}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
  }
  return (performance.now() - started) / 1000;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const sim = await startSimulatorProcess(userCount);
  const { url, dataDir, drop } = await createBenchDatabase();
  try {
    const sampled = await seedInChild(sim, url, dataDir);
    const token = await graphToken(sim);
    const database = await openBenchDatabase(url, dataDir);
    // One user in 2,000 was deleted upstream: each costs a GET /users/{id} that confirms the 404.
    const deletedUpstream = sampled
      .slice(1)
      .filter((_, index) => index % Math.ceil(sampled.length / (userCount / 2000)) === 0);
    for (const objectId of deletedUpstream) {
      await simAdmin(sim, 'DELETE', `/tenants/${sim.tenantId}/users/${objectId}?mode=hard`);
    }

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

    await simAdmin(sim, 'PUT', '/latency', { ms: latencyMs });
    await simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}`, { throttleLimit: throttle });
    // A fresh bucket: seeding must not have used up the throttle the run is measured against.
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    await simAdmin(sim, 'DELETE', '/stats');

    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 100);
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    const response = await app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { cookie },
      payload: { selection: { allMatching: { search: '' } } },
    });
    if (response.statusCode !== 202)
      throw new Error(`POST /api/sync: ${response.statusCode} ${response.body}`);
    const runId = response.json().id as string;
    let run: { status: string; counts: Record<string, number>; progress: { processed: number } };
    for (;;) {
      const polled = await app.inject({ method: 'GET', url: `/api/sync/runs/${runId}`, headers: { cookie } });
      run = polled.json();
      if (!['queued', 'running'].includes(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const stats = (await simAdmin(sim, 'GET', '/stats')) as {
      requests: Record<string, number>;
      batchItems: Record<string, number>;
      resourceUnits: number;
      throttled: number;
    };
    const graphRequests = Object.entries(stats.requests)
      .filter(([route]) => route !== 'openid' && route !== 'token')
      .reduce((sum, [, count]) => sum + count, 0);

    await simAdmin(sim, 'PUT', '/latency', { ms: latencyMs });
    await simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}`, { throttleLimit: 10_000_000 });
    const sampleSeconds = await naiveSeconds(sim, token, sampled);
    const naiveTotal = (sampleSeconds / sampleSize) * userCount;

    const lines = [
      `sync of ${userCount.toLocaleString('en')} users, ${database.kind} database, simulator latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
      `  status:            ${run.status}  ${JSON.stringify(run.counts)}`,
      `  total time:        ${seconds.toFixed(1)} s (POST /api/sync to the run's end)`,
      `  throughput:        ${Math.round(userCount / seconds).toLocaleString('en')} users/s`,
      `  Graph requests:    ${graphRequests} HTTP (${JSON.stringify(stats.requests)}), batch items ${JSON.stringify(stats.batchItems)}`,
      `  resource units:    ${stats.resourceUnits} (floor ceil(N/15) = ${Math.ceil(userCount / 15)}; ${deletedUpstream.length} deletions confirmed by id; ${stats.throttled} throttled)`,
      `  peak RSS:          ${mb(peakRss)} during the run, ${mb(rssBefore)} before it (this process: the service${database.kind === 'embedded' ? ' with its embedded database' : ''}; the simulator runs apart)`,
      `  naive way:         ${sampleSize} users one GET at a time in ${sampleSeconds.toFixed(1)} s -> ${Math.round(naiveTotal).toLocaleString('en')} s for ${userCount.toLocaleString('en')} users (${(naiveTotal / 3600).toFixed(1)} h), before throttling`,
      `  ratio:             ${Math.round(naiveTotal / seconds).toLocaleString('en')}x faster than the naive way`,
    ];
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
