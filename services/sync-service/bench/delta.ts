/**
 * npm run bench:delta — whole-directory sync with Graph's delta query against a simulated tenant (in a child
 * process) with Graph's per-request latency and large-tenant throttle, end to end through POST /api/sync on
 * the built service in a process of its own. Prints, for the first (full) pass and for an incremental pass
 * after some users changed: time, Graph HTTP requests, resource units, and the service's peak RSS.
 *   --users N        directory users (default 1000000; the simulator generates them lazily)
 *   --imported N     of which imported into the reporting server (default: all)
 *   --latency MS     simulator latency per request (default 50)
 *   --throttle RU    resource units per 10 s (default 8000, Graph's limit for tenants over 500 users)
 *   --changed P      percent of the imported users changed upstream before the incremental pass (default 1)
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import { parseArgs } from 'node:util';
import { type BenchDatabase, importDirectory, type Seeder } from './bench-database';
import { runBenchmark } from './benchmark';
import { mb, type ServiceProcess } from './service-process';
import {
  graphLimitOptions,
  graphLimitsOf,
  type SimProcess,
  simAdmin,
  simGraphStats,
  useGraphLimits,
} from './simulator-process';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    imported: { type: 'string' },
    ...graphLimitOptions,
    changed: { type: 'string', default: '1' },
  },
});
const userCount = Number(values.users);
const importedCount = Number(values.imported ?? values.users);
const { latencyMs, throttle } = graphLimitsOf(values);
const changedPercent = Number(values.changed);

/**
 * Imports the first `importedCount` directory users as they are upstream (stamped as synced on insert).
 * Returns the object ids of the users the bench will change upstream (every 100/P-th imported user).
 */
const seed: Seeder<string[]> = async (db, sim) => {
  process.stdout.write(`seeding ${importedCount} imported users...\n`);
  const toChange: string[] = [];
  const every = Math.max(1, Math.round(100 / changedPercent));
  await importDirectory(db, sim, {
    limit: importedCount,
    adjust: (user, row) => {
      if (user.position % every === 0) toChange.push(user.id);
      return row;
    },
  });
  return toChange;
};

/** One whole-directory run through the API, measured: time, Graph traffic, the service's peak RSS. */
async function measuredRun(service: ServiceProcess, sim: SimProcess, database: BenchDatabase, label: string) {
  await useGraphLimits(sim, { latencyMs, throttle });
  service.resetPeakRss();
  const { run, seconds } = await service.sync({ wholeDirectory: {} });
  const peakRss = service.peakRss();
  const graph = await simGraphStats(sim);
  return [
    `  ${label} (${run.selection.pass} pass): ${run.status}${run.error ? ` (${run.error})` : ''}  ${JSON.stringify(run.counts)}, processed ${run.progress.processed}`,
    `    time:            ${seconds.toFixed(1)} s (POST /api/sync to the run's end)`,
    `    Graph requests:  ${graph.requests} HTTP (${JSON.stringify(graph.byRoute)})`,
    `    resource units:  ${graph.resourceUnits} (${graph.throttled} throttled)`,
    `    peak RSS:        ${mb(peakRss)} (the service process${database.kind === 'embedded' ? ' with its embedded database' : ''}; the simulator runs apart)`,
  ];
}

runBenchmark(__filename, userCount, seed, async ({ sim, database, service, seeded: toChange }) => {
  const lines = [
    `whole-directory sync: ${userCount.toLocaleString('en')} directory users, ${importedCount.toLocaleString('en')} imported, ${database.kind} database, latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
    ...(await measuredRun(service, sim, database, 'first run')),
  ];

  // The changes are made through the simulator's admin API, unthrottled and without latency.
  await useGraphLimits(sim, { latencyMs: 0, throttle: 10_000_000, fresh: false });
  for (let start = 0; start < toChange.length; start += 50) {
    await Promise.all(
      toChange
        .slice(start, start + 50)
        .map((objectId) =>
          simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}/users/${objectId}`, { surname: 'Changed' }),
        ),
    );
  }
  lines.push(...(await measuredRun(service, sim, database, `after ${toChange.length} users changed`)));
  process.stdout.write(`${lines.join('\n')}\n`);
});
