/**
 * The frame every sync benchmark runs in: the simulator in a child process, a fresh database seeded by another
 * child, and the built service in a process of its own over both, stopped and dropped whatever happens.
 */
import {
  type BenchDatabase,
  createBenchDatabase,
  runAsSeedChild,
  type Seeder,
  seedInChild,
} from './bench-database';
import { ServiceProcess } from './service-process';
import { rerunTrustingSimulatorCa, type SimProcess, startSimulatorProcess } from './simulator-process';

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
