/**
 * npm run bench:list — drives GET /api/imported-users over 100,000 imported users with autocannon and
 * prints requests/s and latency percentiles, on the embedded database and on the PostgreSQL server.
 *   --users N      imported users to seed (default 100000)
 *   --seconds S    duration of each scenario (default 10)
 *   --only embedded|postgresql
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { bootstrapAdministrator } from '../src/features/auth/bootstrap';
import { loadContract } from '../src/infra/contract/contract';
import { SecretBox } from '../src/infra/crypto/secret-box';
import { openTestDatabase } from '../test/support/databases';
import { configureTenant } from '../test/support/fixtures';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    only: { type: 'string' },
  },
});
const userCount = Number(values.users);
const seconds = Number(values.seconds);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const tenantId = 'bench-tenant';

/** Seeds realistic people in one statement per 20,000 rows. */
async function seed(db: Knex) {
  const first = [
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
  const last = [
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
  for (let start = 1; start <= userCount; start += 20_000) {
    const end = Math.min(start + 19_999, userCount);
    await db.raw(
      `insert into users (username, first_name, last_name, email, contact_number, source, object_id, tenant_id)
       select lower(f || '.' || l || '.' || i) || '@contoso.com', f, l || ' ' || i, lower(f || '.' || l || '.' || i) || '@contoso.com',
              '+1 555 ' || lpad(i::text, 7, '0'), 'azure_ad', gen_random_uuid()::text, ?
       from generate_series(?::int, ?::int) as i,
            lateral (select (?::text[])[1 + i % ?] as f, (?::text[])[1 + (i / 7) % ?] as l) as names`,
      [tenantId, start, end, first, first.length, last, last.length],
    );
  }
  // Import stamps them all at once; spread the stamps so that sorting by them means something.
  await db.raw("update user_sync_stamps set synced_at = now() - random() * interval '30 days'");
  await db.raw('analyze users');
  await db.raw('analyze user_sync_stamps');
}

async function measure(label: string, url: string, cookie: string) {
  // A worker thread generates the load, so it does not share the event loop with the server under test.
  const result = await autocannon({
    url,
    connections: 10,
    duration: seconds,
    headers: { cookie },
    workers: 1,
  });
  const failures = result.non2xx + result.errors;
  console.log(
    `  ${label.padEnd(34)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms${failures ? `   ${failures} FAILED` : ''}`,
  );
}

async function benchOne(kind: 'embedded' | 'postgresql') {
  if (kind === 'postgresql') process.env.DATABASE_URL = serverUrl;
  else delete process.env.DATABASE_URL;
  const database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST_DIR: '/nonexistent' });
  const secretBox = new SecretBox(randomBytes(32));
  const started = Date.now();
  await seed(database.knex);
  console.log(
    `\n${kind}: seeded ${userCount.toLocaleString()} imported users in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await configureTenant(database.knex, secretBox, { tenantId });
  await bootstrapAdministrator(database.knex, 'bench', 'bench-password');
  const app = await buildApp({ config, database, contract: loadContract(config.OPENAPI_PATH), secretBox });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const signIn = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench-password' }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  const page = (await (
    await fetch(`${base}/api/imported-users?limit=50`, { headers: { cookie } })
  ).json()) as {
    nextCursor: string;
  };
  await measure('first page, no search', `${base}/api/imported-users?limit=50`, cookie);
  await measure(
    'deep page (cursor), no search',
    `${base}/api/imported-users?limit=50&cursor=${page.nextCursor}`,
    cookie,
  );
  await measure(
    'selective search "nakamura 12"',
    `${base}/api/imported-users?limit=50&search=nakamura%2012`,
    cookie,
  );
  await measure('selective search "okafor"', `${base}/api/imported-users?limit=50&search=okafor`, cookie);
  await measure('broad 2-character search "an"', `${base}/api/imported-users?limit=50&search=an`, cookie);
  await measure(
    'sorted by last sync, descending',
    `${base}/api/imported-users?limit=50&sort=lastSyncedAt&order=desc`,
    cookie,
  );
  await app.close();
}

async function main() {
  console.log(
    `GET /api/imported-users, ${seconds} s per scenario, 10 connections, load generator in this process`,
  );
  for (const kind of ['postgresql', 'embedded'] as const) {
    if (!values.only || values.only === kind) await benchOne(kind);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
