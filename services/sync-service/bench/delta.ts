/**
 * npm run bench:delta — whole-directory sync with Graph's delta query against a simulated tenant (in a child
 * process) with Graph's per-request latency and large-tenant throttle, end to end through POST /api/sync on
 * the built service in a process of its own. Prints, for the first (full) pass, a full pass again over the
 * same directory (what a run does once its delta link expired) and an incremental pass after some users
 * changed: time, processor time, Graph HTTP requests, resource units, and the service's peak RSS.
 *   --users N        directory users (default 1000000; the simulator generates them lazily)
 *   --imported N     of which imported into the reporting server (default: all)
 *   --latency MS     simulator latency per request (default 50)
 *   --throttle RU    resource units per 10 s (default 8000, Graph's limit for tenants over 500 users)
 *   --changed P      percent of the imported users changed upstream before the incremental pass (default 1)
 *   --baseline DIR   the package directory of another build of the service (a checkout before a change, built):
 *                    after the first run, a full pass of that build and its incremental pass after the users
 *                    changed, then a full pass of this build over the same data (in place of the full pass
 *                    again) and its incremental pass after the same users changed again
 * Before the runs it follows the same round with Graph alone (pages read, nothing written): the floor of a
 * full pass. Every figure carries the machine's load average (1, 5, 15 min) when it was taken.
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import { parseArgs } from 'node:util';
import { importDirectory, type Seeder } from './bench-database';
import { loadAverage, measuredRoundRun, runBenchmark } from './benchmark';
import { ServiceProcess } from './service-process';
import {
  graphAloneRounds,
  graphLimitOptions,
  graphLimitsOf,
  inParallel,
  type SimProcess,
  simAdmin,
  useGraphLimits,
  usersDeltaPath,
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

/**
 * The round's floor: every page of a full round of `/users/delta` read as the service asks for it (the same
 * $select, pages of up to 999), parsed, and nothing else done.
 */
async function graphOnlyRound(sim: SimProcess): Promise<string[]> {
  const [round] = await graphAloneRounds(sim, { latencyMs, throttle }, [usersDeltaPath()]);
  return [
    `  Graph alone (the same full round, pages read and parsed, nothing written): ${round.seconds.toFixed(1)} s, ${round.pages} pages, ${round.items} users  [${loadAverage()}]`,
  ];
}

runBenchmark(__filename, userCount, seed, async (bench) => {
  const { sim, database, seeded: toChange } = bench;
  let { service } = bench;
  /** One run of `build` (this one by default), printed with what came before. */
  const measure = async (label: string, fullPass?: boolean, build = service) => {
    lines.push(
      ...(await measuredRoundRun(
        { service: build, sim, database },
        { latencyMs, throttle },
        label,
        fullPass,
      )),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  };
  const lines = [
    `whole-directory sync: ${userCount.toLocaleString('en')} directory users, ${importedCount.toLocaleString('en')} imported, ${database.kind} database, latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
    ...(await graphOnlyRound(sim)),
  ];
  await measure('first run');
  /** Changes the same users' surname upstream, through the simulator's admin API, unthrottled and without latency. */
  const changeUpstream = async (surname: string) => {
    await useGraphLimits(sim, { latencyMs: 0, throttle: 10_000_000, fresh: false });
    await inParallel(toChange, 50, (objectId) =>
      simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}/users/${objectId}`, { surname }),
    );
  };
  const changed = `after ${toChange.length} users changed`;
  if (values.baseline) {
    // The other build over the same data, then this one again: a change measured against the hour's speed.
    await service.stop();
    const baseline = await ServiceProcess.start(sim, database, values.baseline);
    try {
      await measure(`baseline build ${values.baseline}`, true, baseline);
      await changeUpstream('Changed');
      await measure(`baseline build, ${changed}`, false, baseline);
    } finally {
      await baseline.stop();
    }
    service = await ServiceProcess.start(sim, database);
    await measure('this build again', true);
  } else {
    // What a run does once its delta link expired: the whole directory read again, nothing changed.
    await measure('full pass again, nothing changed', true);
  }

  try {
    // With a baseline, the same users change again: this build's incremental pass has the same work.
    await changeUpstream(values.baseline ? 'Changed again' : 'Changed');
    await measure(changed);
  } finally {
    // The frame stops the service it started; one started here is stopped here.
    if (service !== bench.service) await service.stop();
  }
});
