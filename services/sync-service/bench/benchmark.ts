/**
 * The frame every sync benchmark runs in: the simulator in a child process, a fresh database seeded by another
 * child, and the built service in a process of its own over both, stopped and dropped whatever happens.
 */
import os from 'node:os';
import {
  type BenchDatabase,
  createBenchDatabase,
  runAsSeedChild,
  type Seeder,
  seedInChild,
} from './bench-database';
import { mb, processorTimeMeter, ServiceProcess } from './service-process';
import {
  rerunTrustingSimulatorCa,
  type SimProcess,
  simGraphStats,
  startSimulatorProcess,
  useGraphLimits,
} from './simulator-process';

export interface Benchmark<T> {
  sim: SimProcess;
  database: BenchDatabase;
  service: ServiceProcess;
  /** What the seeder returned. */
  seeded: T;
}

/**
 * The entry point of a benchmark script (`scriptFile`, its `__filename`): over a simulated tenant of
 * `userCount` directory users (and more `tenant-sim start` options in `simulatorArgs`), seeds with `seeder`,
 * starts the service, and runs `measure`. In the seeding child it only seeds.
 */
export function runBenchmark<T>(
  scriptFile: string,
  userCount: number,
  seeder: Seeder<T>,
  measure: (bench: Benchmark<T>) => Promise<void>,
  simulatorArgs: string[] = [],
): void {
  rerunTrustingSimulatorCa(scriptFile);
  runAsSeedChild(seeder, async () => {
    const sim = await startSimulatorProcess(userCount, simulatorArgs);
    const database = await createBenchDatabase();
    let service: ServiceProcess | undefined;
    try {
      const seeded = seedInChild<T>(scriptFile, sim, database);
      service = await ServiceProcess.start(sim, database);
      await measure({ sim, database, service, seeded });
    } finally {
      await service?.stop();
      sim.child.kill('SIGTERM');
      await database.drop();
    }
  });
}

/** The machine's load average (1, 5, 15 min) now: every figure is printed beside it. */
export const loadAverage = () =>
  `load average ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(', ')}`;

/**
 * One whole-directory run through the API, measured: time, Graph traffic, resource units, the service's peak
 * RSS, each with the load average when it was taken.
 */
export async function measuredRoundRun(
  bench: { service: ServiceProcess; sim: SimProcess; database: BenchDatabase },
  limits: { latencyMs: number; throttle: number },
  label: string,
  fullPass?: boolean,
): Promise<string[]> {
  const { service, sim, database } = bench;
  await useGraphLimits(sim, limits);
  const loadBefore = loadAverage();
  service.resetPeakRss();
  const processorTime = processorTimeMeter(service, sim.child.pid as number);
  const { run, seconds } = await service.sync({ wholeDirectory: fullPass ? { fullPass } : {} });
  const cpu = processorTime();
  const load = loadAverage();
  const peakRss = service.peakRss();
  const graph = await simGraphStats(sim);
  return [
    `  ${label} (${run.selection.pass} pass): ${run.status}${run.error ? ` (${run.error})` : ''}  ${JSON.stringify(run.counts)}${run.groupCounts ? ` ${JSON.stringify(run.groupCounts)}` : ''}, processed ${run.progress.processed}`,
    `    time:            ${seconds.toFixed(1)} s (POST /api/sync to the run's end)  [before: ${loadBefore}; after: ${load}]`,
    `    processor time:  ${cpu}`,
    `    Graph requests:  ${graph.requests} HTTP (${JSON.stringify(graph.byRoute)})  [${load}]`,
    `    resource units:  ${graph.resourceUnits} (${graph.throttled} throttled)  [${load}]`,
    `    peak RSS:        ${mb(peakRss)} (the service process${database.kind === 'embedded' ? ' with its embedded database' : ''}; the simulator runs apart)  [${load}]`,
  ];
}
