/**
 * npm run bench:list-during-sync — how the listing answers while a large sync runs. The built service runs in
 * a process of its own over N imported users, against the simulator (in a child process) with Graph's
 * latency and large-tenant throttle. GET /api/imported-users is asked at a fixed rate (autocannon, 10
 * connections alternating the first page and the page after it, as administrators paging the list), first
 * with no sync running, then for the whole of one sync of every imported user. Prints the latency
 * percentiles of both phases, and the sync's time.
 *   --users N        imported users (default 100000)
 *   --seconds S      length of the phase without a sync (default 10)
 *   --rate R         listing requests per second, all connections together (default 50)
 *   --latency MS     simulator latency per request (default 50)
 *   --throttle RU    resource units per 10 s (default 8000)
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { importDirectory, type Seeder, staleEveryHundredth } from './bench-database';
import { runBenchmark } from './benchmark';
import { mb, type ServiceProcess } from './service-process';
import { graphLimitOptions, graphLimitsOf, useGraphLimits } from './simulator-process';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    ...graphLimitOptions,
  },
});
const userCount = Number(values.users);
const quietSeconds = Number(values.seconds);
const rate = Number(values.rate);
const { latencyMs, throttle } = graphLimitsOf(values);

/** Every directory user imported; one in a hundred with a stale last name, so the sync writes. */
const seed: Seeder<null> = async (db, sim) => {
  process.stdout.write(`seeding ${userCount} imported users...\n`);
  await importDirectory(db, sim, { limit: userCount, adjust: staleEveryHundredth });
  return null;
};

/**
 * Asks for the listing `rate` times a second over 10 connections, each alternating between the requests of
 * `paths`, for `seconds` or until `until` settles. One line of figures.
 */
async function drive(
  service: ServiceProcess,
  paths: string[],
  length: { seconds: number } | { until: Promise<unknown> },
): Promise<string> {
  const instance = autocannon({
    url: service.url,
    connections: 10,
    overallRate: rate,
    headers: { cookie: service.sessionCookie },
    requests: paths.map((path) => ({ method: 'GET', path })),
    // In this process's event loop, which has nothing else to do meanwhile but poll the run every 200 ms
    // (a worker thread does not start under the --import tsx this script runs with).
    duration: 'seconds' in length ? length.seconds : 3600,
  }) as ReturnType<typeof autocannon> & { stop(): void };
  if ('until' in length) {
    await length.until;
    instance.stop();
  }
  const result = await instance;
  const failures = result.non2xx + result.errors + result.timeouts;
  const { p50, p90, p99, max } = result.latency;
  return `    ${result.requests.average.toFixed(0)} req/s   p50 ${p50} ms   p90 ${p90} ms   p99 ${p99} ms   max ${max} ms   (${result.requests.total} requests${failures ? `, ${failures} FAILED` : ''})`;
}

runBenchmark(__filename, userCount, seed, async ({ sim, database, service }) => {
  const firstPage = (await (await service.api('GET', '/api/imported-users?limit=50')).json()) as {
    nextCursor: string;
  };
  const paths = [
    '/api/imported-users?limit=50',
    `/api/imported-users?limit=50&cursor=${encodeURIComponent(firstPage.nextCursor)}`,
  ];

  const lines = [
    `GET /api/imported-users over ${userCount.toLocaleString('en')} imported users, ${database.kind} database: ${rate} requests/s over 10 connections alternating the first and the second page, load generator in this process`,
    `  no sync running (${quietSeconds} s):`,
    await drive(service, paths, { seconds: quietSeconds }),
  ];

  await useGraphLimits(sim, { latencyMs, throttle });
  service.resetPeakRss();
  const sync = service.sync({ allMatching: { search: '' } });
  lines.push(
    `  while a sync of all ${userCount.toLocaleString('en')} users runs (simulator latency ${latencyMs} ms, throttle ${throttle} RU / 10 s):`,
    await drive(service, paths, { until: sync }),
  );
  const { run, seconds } = await sync;
  lines.push(
    `  the sync: ${run.status}${run.error ? ` (${run.error})` : ''} in ${seconds.toFixed(1)} s  ${JSON.stringify(run.counts)}; service peak RSS ${mb(service.peakRss())}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
});
