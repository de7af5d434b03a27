/**
 * npm run bench:list — drives the listings (GET /api/imported-users, GET /api/users) with autocannon over
 * 100,000 imported users of the configured tenant, 100,000 users of a previously configured tenant still
 * in the database and 1,000 local users, and prints requests/s, latency percentiles and the load average
 * beside each scenario. The database is a fresh one on the PostgreSQL server of DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), dropped at the end; `--databases embedded` runs on PGlite.
 *   --users N        imported users of each tenant (default 100000)
 *   --seconds S      duration of each scenario (default 10)
 *   --databases L    postgresql, embedded or both, comma-separated (default postgresql)
 *   --baseline DIR   the service of an earlier commit (`git archive <commit> services/sync-service openapi.yaml
 *                    package.json`, unpacked into DIR with node_modules linked beside it): measured first, on
 *                    the same data under the migrations it knows, then this tree's migrations are applied and
 *                    this tree's service measured; both figures are printed side by side.
 *   --keep           leaves the seeded PostgreSQL database in place and prints its URL, for psql or --reuse
 *   --reuse URL      measures on a database --keep left, without seeding it again (this tree's migrations
 *                    that it lacks are applied first)
 *   --only TEXT      measures only the scenarios whose label contains TEXT
 *   --explain        before measuring a scenario, serves one request of it and prints every statement it ran
 *                    with its plan (`EXPLAIN (ANALYZE, BUFFERS)`, run again on the same data)
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { bootstrapAdministrator } from '../src/features/auth/bootstrap';
import { loadContract } from '../src/infra/contract/contract';
import { SecretBox } from '../src/infra/crypto/secret-box';
import { type Database, openDatabase } from '../src/infra/db/database';
import { migrateToLatest, migratorConfigFor } from '../src/infra/db/migrate';
import { encodeCursor } from '../src/infra/http/cursor';
import { createServerDatabase, openTestDatabase } from '../test/support/databases';
import { configureTenant } from '../test/support/fixtures';
import { machineCpuSeconds } from './service-process';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    databases: { type: 'string', default: 'postgresql' },
    baseline: { type: 'string' },
    explain: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    only: { type: 'string' },
  },
});
const userCount = Number(values.users);
const seconds = Number(values.seconds);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const tenantId = 'bench-tenant';
/** The tenant configured before: its users stay in the database and must never be listed. */
const formerTenantId = 'bench-former-tenant';
const localUserCount = 1_000;

const firstNames = [
  'Adele',
  'Alex',
  'Diego',
  'Grady',
  'Henrietta',
  'Isaiah',
  'Johanna',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Irvin',
];
const lastNames = [
  'Vance',
  'Wilber',
  'Siciliani',
  'Archie',
  'Mueller',
  'Langer',
  'Lorenz',
  'Gu',
  'Holloway',
  'Robbins',
  'Bowen',
  'Graham',
  'Wilke',
  'Fernandez',
  'Gupta',
  'Sayers',
  'Zhou',
  'Okafor',
  'Nakamura',
  'Svensson',
];

/**
 * Seeds people with the same names in both tenants (only the mail domain differs), so that every search
 * matches as many of the former tenant's users as of the configured one's; one statement per 20,000 rows.
 */
async function seedUsers(db: Knex, count: number, domain: string, tenant: string | null) {
  for (let start = 1; start <= count; start += 20_000) {
    const end = Math.min(start + 19_999, count);
    await db.raw(
      `insert into users (username, first_name, last_name, email, contact_number, source, object_id, tenant_id)
       select lower(f || '.' || l || '.' || i) || ?, f, l || ' ' || i, lower(f || '.' || l || '.' || i) || ?,
              '+1 555 ' || lpad(i::text, 7, '0'), ?, case when ?::text is null then null else gen_random_uuid()::text end, ?
       from generate_series(?::int, ?::int) as i,
            lateral (select (?::text[])[1 + i % ?] as f, (?::text[])[1 + (i / 7) % ?] as l) as names`,
      [
        `@${domain}`,
        `@${domain}`,
        tenant ? 'azure_ad' : 'local',
        tenant,
        tenant,
        start,
        end,
        firstNames,
        firstNames.length,
        lastNames,
        lastNames.length,
      ],
    );
  }
}

async function seed(db: Knex) {
  await seedUsers(db, userCount, 'contoso.com', tenantId);
  await seedUsers(db, userCount, 'fabrikam.com', formerTenantId);
  await seedUsers(db, localUserCount, 'local.example', null);
  // Import stamps them all at once; spread the stamps so that sorting by them means something.
  await db.raw("update user_sync_stamps set synced_at = now() - random() * interval '30 days'");
  await db.raw('vacuum analyze users');
  await db.raw('vacuum analyze user_sync_stamps');
}

/** A cursor of the listing after the configured tenant's user in the middle of the order. */
async function middleCursor(db: Knex, sort: 'username' | 'lastSyncedAt', order: 'asc' | 'desc') {
  const row: { key: string; id: string } =
    sort === 'username'
      ? await db('users')
          .where({ tenant_id: tenantId, source: 'azure_ad' })
          .select(db.raw('lower(username) as key'), 'id')
          .orderByRaw(`lower(username) ${order}, id ${order}`)
          .offset(Math.floor(userCount / 2))
          .first()
      : await db('users')
          .join('user_sync_stamps', 'user_sync_stamps.user_id', 'users.id')
          .where({ 'users.tenant_id': tenantId, 'users.source': 'azure_ad' })
          // ISO 8601, a key every version of the listing reads back.
          .select(
            db.raw(`to_char(synced_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key`),
            'id',
          )
          .orderByRaw(`synced_at ${order}, id ${order}`)
          .offset(Math.floor(userCount / 2))
          .first();
  return encodeCursor(['next', sort, row.key, row.id]);
}

interface Scenario {
  label: string;
  path: string;
}

async function scenarios(db: Knex): Promise<Scenario[]> {
  const imported = '/api/imported-users?limit=50';
  const all: Scenario[] = [
    { label: 'first page', path: imported },
    {
      label: 'deep page (cursor at 50%)',
      path: `${imported}&cursor=${await middleCursor(db, 'username', 'asc')}`,
    },
    { label: 'selective search "nakamura 12"', path: `${imported}&search=nakamura%2012` },
    { label: 'selective search "okafor"', path: `${imported}&search=okafor` },
    { label: 'selective search "lidia.gu.4"', path: `${imported}&search=lidia.gu.4` },
    { label: 'broad 2-character search "an"', path: `${imported}&search=an` },
    { label: 'sorted by last name', path: `${imported}&sort=lastName` },
    { label: 'sorted by last sync, descending', path: `${imported}&sort=lastSyncedAt&order=desc` },
    { label: 'sorted by last sync, ascending', path: `${imported}&sort=lastSyncedAt&order=asc` },
    {
      label: 'last sync desc, deep page (cursor)',
      path: `${imported}&sort=lastSyncedAt&order=desc&cursor=${await middleCursor(db, 'lastSyncedAt', 'desc')}`,
    },
    { label: '"okafor" sorted by last sync', path: `${imported}&search=okafor&sort=lastSyncedAt&order=desc` },
    { label: 'all users, first page', path: '/api/users?limit=50' },
    { label: 'all users, source=local', path: '/api/users?limit=50&source=local' },
    {
      label: 'all users, source=azure_ad "okafor"',
      path: '/api/users?limit=50&source=azure_ad&search=okafor',
    },
  ];
  return all.filter((scenario) => !values.only || scenario.label.includes(values.only));
}

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  load: number;
  /** The whole machine's busy processor time per request served: the database's, the service's, the load's. */
  cpuPerRequest: number;
  failures: number;
}

async function measure(url: string, cookie: string, duration = seconds): Promise<Figures> {
  // A worker thread generates the load, so it does not share the event loop with the server under test.
  const before = machineCpuSeconds();
  const result = await autocannon({ url, connections: 10, duration, headers: { cookie }, workers: 1 });
  const busy = machineCpuSeconds().busy - before.busy;
  return {
    cpuPerRequest: (busy * 1000) / Math.max(1, result.requests.total),
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    load: os.loadavg()[0],
    failures: result.non2xx + result.errors,
  };
}

function describe(figures: Figures | undefined) {
  if (!figures) return '';
  const failed = figures.failures ? ` ${figures.failures} FAILED` : '';
  return `${figures.requestsPerSecond.toFixed(0).padStart(5)} req/s p50 ${String(figures.p50).padStart(3)} p99 ${String(figures.p99).padStart(4)} ms cpu ${figures.cpuPerRequest.toFixed(2)} ms/req load ${figures.load.toFixed(2)}${failed}`;
}

type BuildApp = typeof buildApp;

/**
 * Serves one request of the scenario while recording the statements it runs, then prints each with its plan
 * on the same data: which index serves which listing. Statements that write (a session's touch) are listed
 * without a plan.
 */
async function explainScenario(db: Knex, url: string, cookie: string, scenario: Scenario) {
  // The requests of the scenario measured before may still be answered: they are not this one's.
  await setTimeout(1_000);
  const statements: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  const record = (query: { sql: string; bindings?: readonly unknown[] }) =>
    statements.push({ sql: query.sql, bindings: query.bindings ?? [] });
  db.on('query', record);
  try {
    const response = await fetch(url, { headers: { cookie } });
    if (!response.ok) throw new Error(`${scenario.path}: ${response.status} ${await response.text()}`);
  } finally {
    db.off('query', record);
  }
  console.log(`\n  ${scenario.label}: ${scenario.path}, ${statements.length} statements`);
  for (const { sql, bindings } of statements) {
    console.log(`    ${sql}`);
    if (!/^\s*(select|with)\b/i.test(sql)) continue;
    // The event shows the statement as sent, with PostgreSQL's numbered placeholders; knex.raw takes `?`.
    const raw = sql.replace(/\$\d+/g, '?');
    const plan = await db.raw(`explain (analyze, buffers, costs off) ${raw}`, bindings as Knex.RawBinding[]);
    for (const row of plan.rows as Array<{ 'QUERY PLAN': string }>) console.log(`      ${row['QUERY PLAN']}`);
  }
}

/** Serves the listings from `build` and measures every scenario; the database stays open. */
async function measureAll(build: BuildApp, database: Database, secretBox: SecretBox, list: Scenario[]) {
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST_DIR: '/nonexistent' });
  const kept: Database = { ...database, close: async () => {} };
  const app = await build({ config, database: kept, contract: loadContract(config.OPENAPI_PATH), secretBox });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const signIn = await fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench-password' }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    // A new process serves its first seconds slower (the first page measured after a 2 s warm-up: 606 and
    // 863 req/s; after 8 s: 963 and 969): the service is warmed 8 s, then each scenario 1 s before it is
    // measured, so that each figure is the steady state a running service serves at.
    await measure(`${base}${list[0].path}`, cookie, 8);
    const figures: Figures[] = [];
    for (const scenario of list) {
      if (values.explain) await explainScenario(database.knex, `${base}${scenario.path}`, cookie, scenario);
      await measure(`${base}${scenario.path}`, cookie, 1);
      figures.push(await measure(`${base}${scenario.path}`, cookie));
      console.log(`  ${scenario.label.padEnd(38)} ${describe(figures.at(-1))}`);
    }
    return figures;
  } finally {
    await app.close();
  }
}

async function benchOne(kind: 'embedded' | 'postgresql') {
  if (kind === 'postgresql') process.env.DATABASE_URL = serverUrl;
  else delete process.env.DATABASE_URL;
  const database = await openBenchDatabase();
  const secretBox = new SecretBox(randomBytes(32));
  try {
    if (values.reuse) {
      const applied = await migrateToLatest(database);
      if (applied.length > 0) console.log(`applied ${applied.join(', ')}`);
      await database.knex('azure_ad_connection').del();
      await configureTenant(database.knex, secretBox, { tenantId });
      await measureAll(buildApp, database, secretBox, await scenarios(database.knex));
      return;
    }
    const baseline = values.baseline && path.resolve(values.baseline, 'services/sync-service');
    if (baseline) {
      const { migrations } = await import(path.join(baseline, 'migrations/index.ts'));
      await database.knex.migrate.latest(migratorConfigFor(migrations));
    } else {
      await migrateToLatest(database);
    }
    const started = Date.now();
    await seed(database.knex);
    console.log(
      `\n${kind}: seeded ${userCount.toLocaleString()} imported users of each of two tenants and ${localUserCount.toLocaleString()} local users in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await configureTenant(database.knex, secretBox, { tenantId });
    await bootstrapAdministrator(database.knex, 'bench', 'bench-password');
    const list = await scenarios(database.knex);
    let before: Figures[] = [];
    if (baseline) {
      console.log(`baseline, the service in ${baseline}:`);
      const earlier: { buildApp: BuildApp } = await import(path.join(baseline, 'src/app.ts'));
      before = await measureAll(earlier.buildApp, database, secretBox, list);
      const migrating = Date.now();
      const applied = await migrateToLatest(database);
      await database.knex.raw('vacuum analyze users');
      await database.knex.raw('vacuum analyze user_sync_stamps');
      console.log(`applied ${applied.join(', ')} in ${((Date.now() - migrating) / 1000).toFixed(1)} s`);
    }
    console.log('this tree:');
    const after = await measureAll(buildApp, database, secretBox, list);
    if (baseline) {
      console.log(`\n  ${'scenario'.padEnd(38)} ${'baseline'.padEnd(48)} this tree`);
      list.forEach((scenario, index) => {
        console.log(
          `  ${scenario.label.padEnd(38)} ${describe(before[index]).padEnd(48)} ${describe(after[index])}`,
        );
      });
    }
  } finally {
    await database.close();
  }
}

/** A fresh database (dropped at the end unless --keep), or the one --reuse names. */
async function openBenchDatabase(): Promise<Database> {
  if (values.reuse) return openDatabase({ url: values.reuse, dataDir: 'unused', poolMax: 10 });
  if (!values.keep || !process.env.DATABASE_URL) return openTestDatabase({ migrated: false });
  const created = await createServerDatabase(process.env.DATABASE_URL, 'adsync_bench');
  console.log(`kept database: ${created.url}`);
  return openDatabase({ url: created.url, dataDir: 'unused', poolMax: 10 });
}

async function main() {
  console.log(
    `Listings, ${seconds} s per scenario, 10 connections, load generator in this process, ${os.cpus().length} cores, ${new Date().toISOString()}`,
  );
  for (const kind of values.databases.split(',')) {
    if (kind !== 'postgresql' && kind !== 'embedded') throw new Error(`unknown database ${kind}`);
    await benchOne(kind);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
