/**
 * npm run bench:sync — one sync run over N imported users against the simulator (in a child process) with
 * Graph's per-request latency and large-tenant throttle, end to end through POST /api/sync on the built
 * service in a process of its own. Prints total time, users/s, Graph HTTP requests, resource units, the
 * service's peak RSS, and the naive way (one GET /users/{id} at a time) measured on a sample and extrapolated.
 *   --users N        imported users (default 100000; 1000000 works too)
 *   --latency MS     simulator latency per request (default 50)
 *   --throttle RU    resource units per 10 s (default 8000, Graph's limit for tenants over 500 users)
 *   --sample N       users read the naive way (default 200)
 *   --dry-run        the run only reports what it would change
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import { parseArgs } from 'node:util';
import { mappableProperties } from '../src/features/users/profile-fields';
import { userReading } from '../src/infra/directory/directory-user';
import { importDirectory, type Seeder, staleEveryHundredth } from './bench-database';
import { loadAverage, runBenchmark } from './benchmark';
import { mb } from './service-process';
import {
  graphLimitOptions,
  graphLimitsOf,
  graphToken,
  type SimProcess,
  simAdmin,
  simGraphStats,
  useGraphLimits,
} from './simulator-process';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    ...graphLimitOptions,
    sample: { type: 'string', default: '200' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const userCount = Number(values.users);
const { latencyMs, throttle } = graphLimitsOf(values);
const sampleSize = Number(values.sample);

/**
 * Imports every directory user as it is upstream; one in a hundred is stored with a stale last name so the
 * run has work to do. Returns a spread sample of object ids, for the naive reads and the upstream deletions.
 */
const seed: Seeder<string[]> = async (db, sim) => {
  process.stdout.write(`seeding ${userCount} imported users...\n`);
  const sampled: string[] = [];
  const every = Math.max(1, Math.floor(userCount / sampleSize));
  await importDirectory(db, sim, {
    limit: userCount,
    adjust: (user, row) => {
      if (user.position % every === 0) sampled.push(user.id);
      return staleEveryHundredth(user, row);
    },
  });
  return sampled;
};

/** The naive way: one GET /users/{id} at a time, on a sample. */
async function naiveSeconds(sim: SimProcess, objectIds: string[]): Promise<number> {
  const token = await graphToken(sim);
  const started = performance.now();
  for (let index = 0; index < sampleSize; index += 1) {
    const id = objectIds[index % objectIds.length];
    const response = await fetch(
      `${sim.url}/v1.0/users/${id}?$select=${userReading(mappableProperties).select}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    await response.arrayBuffer();
  }
  return (performance.now() - started) / 1000;
}

runBenchmark(__filename, userCount, seed, async ({ sim, database, service, seeded: sampled }) => {
  // One user in 2,000 was deleted upstream: each costs a GET /users/{id} that confirms the 404.
  const deletedUpstream = sampled
    .slice(1)
    .filter((_, index) => index % Math.ceil(sampled.length / (userCount / 2000)) === 0);
  for (const objectId of deletedUpstream) {
    await simAdmin(sim, 'DELETE', `/tenants/${sim.tenantId}/users/${objectId}?mode=hard`);
  }
  await useGraphLimits(sim, { latencyMs, throttle });

  const rssBefore = service.rss();
  service.resetPeakRss();
  const cpuBefore = service.cpuSeconds();
  const { run, seconds } = await service.sync({ allMatching: { search: '' } }, { dryRun: values['dry-run'] });
  const cpuSeconds = service.cpuSeconds() - cpuBefore;
  const peakRss = service.peakRss();
  const graph = await simGraphStats(sim);

  await useGraphLimits(sim, { latencyMs, throttle: 10_000_000, fresh: false });
  const sampleSeconds = await naiveSeconds(sim, sampled);
  const naiveTotal = (sampleSeconds / sampleSize) * userCount;

  const lines = [
    `${values['dry-run'] ? 'dry run' : 'sync'} of ${userCount.toLocaleString('en')} users, ${database.kind} database, simulator latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
    `  load:              ${loadAverage()} at the run's end`,
    `  status:            ${run.status}${run.error ? ` (${run.error})` : ''}  ${JSON.stringify(run.counts)}`,
    `  total time:        ${seconds.toFixed(1)} s (POST /api/sync to the run's end)`,
    `  throughput:        ${Math.round(userCount / seconds).toLocaleString('en')} users/s`,
    `  service CPU:       ${cpuSeconds.toFixed(1)} s user + system during the run`,
    `  Graph requests:    ${graph.requests} HTTP (${JSON.stringify(graph.byRoute)}), batch items ${JSON.stringify(graph.batchItems)}`,
    `  resource units:    ${graph.resourceUnits} (floor ceil(N/15) = ${Math.ceil(userCount / 15)}; ${deletedUpstream.length} deletions confirmed by id; ${graph.throttled} throttled)`,
    `  peak RSS:          ${mb(peakRss)} during the run, ${mb(rssBefore)} before it (the service process${database.kind === 'embedded' ? ' with its embedded database' : ''}; the simulator runs apart)`,
    `  naive way:         ${sampleSize} users one GET at a time in ${sampleSeconds.toFixed(1)} s -> ${Math.round(naiveTotal).toLocaleString('en')} s for ${userCount.toLocaleString('en')} users (${(naiveTotal / 3600).toFixed(1)} h), before throttling`,
    `  ratio:             ${Math.round(naiveTotal / seconds).toLocaleString('en')}x faster than the naive way`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
