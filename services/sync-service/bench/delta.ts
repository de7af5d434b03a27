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
 *   --baseline DIR   the package directory of another build of the service (a checkout before a change, built):
 *                    after the first run, a full pass of that build and one of this build over the same data
 * Before the runs it follows the same round with Graph alone (pages read, nothing written): the floor of a
 * full pass. Every figure carries the machine's load average (1, 5, 15 min) when it was taken.
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { profileFieldTable } from '../src/features/users/profile-fields';
import { userReading } from '../src/infra/directory/directory-user';
import { type BenchDatabase, importDirectory, type Seeder } from './bench-database';
import { runBenchmark } from './benchmark';
import { mb, ServiceProcess } from './service-process';
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
    users: { type: 'string', default: '1000000' },
    imported: { type: 'string' },
    ...graphLimitOptions,
    changed: { type: 'string', default: '1' },
    baseline: { type: 'string' },
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
  // A database that has held its users a while has statistics of them (autovacuum's); a seeded one not yet.
  await db.raw('analyze');
  return toChange;
};

const loadAverage = () =>
  `load average ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(', ')}`;

/**
 * The round's floor: every page of a full round of `/users/delta` read as the service asks for it (the same
 * $select, pages of up to 999), parsed, and nothing else done.
 */
async function graphOnlyRound(sim: SimProcess): Promise<string[]> {
  await useGraphLimits(sim, { latencyMs, throttle });
  const properties = Object.values(profileFieldTable).flatMap((field) => [...field.graph]);
  const { select } = userReading([...new Set(properties)]);
  const token = await graphToken(sim);
  const started = performance.now();
  let url: string | undefined = `${sim.url}/v1.0/users/delta?$select=${select}`;
  let pages = 0;
  let users = 0;
  while (url) {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=999' },
    });
    if (!response.ok) throw new Error(`GET /users/delta: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
    pages += 1;
    users += page.value.length;
    url = page['@odata.nextLink'];
  }
  const seconds = (performance.now() - started) / 1000;
  return [
    `  Graph alone (the same full round, pages read and parsed, nothing written): ${seconds.toFixed(1)} s, ${pages} pages, ${users} users  [${loadAverage()}]`,
  ];
}

/** One whole-directory run through the API, measured: time, Graph traffic, the service's peak RSS. */
async function measuredRun(
  service: ServiceProcess,
  sim: SimProcess,
  database: BenchDatabase,
  label: string,
  fullPass?: boolean,
) {
  await useGraphLimits(sim, { latencyMs, throttle });
  service.resetPeakRss();
  const { run, seconds } = await service.sync({ wholeDirectory: fullPass ? { fullPass } : {} });
  const load = loadAverage();
  const peakRss = service.peakRss();
  const graph = await simGraphStats(sim);
  return [
    `  ${label} (${run.selection.pass} pass): ${run.status}${run.error ? ` (${run.error})` : ''}  ${JSON.stringify(run.counts)}, processed ${run.progress.processed}`,
    `    time:            ${seconds.toFixed(1)} s (POST /api/sync to the run's end)  [${load}]`,
    `    Graph requests:  ${graph.requests} HTTP (${JSON.stringify(graph.byRoute)})`,
    `    resource units:  ${graph.resourceUnits} (${graph.throttled} throttled)`,
    `    peak RSS:        ${mb(peakRss)} (the service process${database.kind === 'embedded' ? ' with its embedded database' : ''}; the simulator runs apart)`,
  ];
}

runBenchmark(__filename, userCount, seed, async (bench) => {
  const { sim, database, seeded: toChange } = bench;
  let { service } = bench;
  const lines = [
    `whole-directory sync: ${userCount.toLocaleString('en')} directory users, ${importedCount.toLocaleString('en')} imported, ${database.kind} database, latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
    ...(await graphOnlyRound(sim)),
    ...(await measuredRun(service, sim, database, 'first run')),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  if (values.baseline) {
    // The other build over the same data, then this one again: a change measured against the hour's speed.
    await service.stop();
    const baseline = await ServiceProcess.start(sim, database, values.baseline);
    try {
      lines.push(...(await measuredRun(baseline, sim, database, `baseline build ${values.baseline}`, true)));
    } finally {
      await baseline.stop();
    }
    service = await ServiceProcess.start(sim, database);
    lines.push(...(await measuredRun(service, sim, database, 'this build again', true)));
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  try {
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
  } finally {
    // The frame stops the service it started; one started here is stopped here.
    if (service !== bench.service) await service.stop();
  }
});
