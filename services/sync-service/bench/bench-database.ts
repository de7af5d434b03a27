/**
 * The database side of the sync benchmarks: a fresh database per run (a new one on the PostgreSQL server given
 * by DATABASE_URL, else an embedded one in a temporary folder), seeded in a child process of its own so the
 * service's memory figures are the service's, not the leftovers of loading a million users.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { defaultMapping, mapProfile, mappableProperties } from '../src/features/users/profile-fields';
import { profileColumns } from '../src/features/users/user';
import { openDatabase } from '../src/infra/db/database';
import { migrateToLatest } from '../src/infra/db/migrate';
import { userReading } from '../src/infra/directory/directory-user';
import { createServerDatabase } from '../test/support/databases';
import { graphToken, type SimEndpoint, type SimProcess } from './simulator-process';

export interface BenchDatabase {
  /** The server database's URL; undefined for the embedded one. */
  url: string | undefined;
  /** A temporary folder: the embedded database lives in `database/` under it. */
  dataDir: string;
  kind: 'postgresql' | 'embedded';
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-bench-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return {
      url: undefined,
      dataDir,
      kind: 'embedded',
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const created = await createServerDatabase(serverUrl, 'adsync_bench');
  return {
    url: created.url,
    dataDir,
    kind: 'postgresql',
    drop: async () => {
      await created.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface SeedJob {
  sim: SimEndpoint;
  url: string | undefined;
  dataDir: string;
  resultFile: string;
}

/** What a bench script does in its seeding child: fill the migrated database, return what main() needs. */
export type Seeder<T> = (db: Knex, sim: SimEndpoint) => Promise<T>;

/**
 * Runs the calling script again as a child that only seeds (see `runAsSeedChild`), and returns the JSON its
 * seeder returned.
 */
export function seedInChild<T>(scriptFile: string, sim: SimProcess, database: BenchDatabase): T {
  const resultFile = path.join(database.dataDir, 'seed-result.json');
  const job: SeedJob = {
    sim: { url: sim.url, tenantId: sim.tenantId, clientId: sim.clientId, clientSecret: sim.clientSecret },
    url: database.url,
    dataDir: database.dataDir,
    resultFile,
  };
  const seeding = spawnSync(process.execPath, ['--import', 'tsx', scriptFile, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_SEED: JSON.stringify(job) },
  });
  if (seeding.status !== 0) throw new Error('seeding failed');
  return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as T;
}

/**
 * The entry point of a bench script: in the seeding child it migrates, seeds and exits; otherwise it runs
 * `main`. Exits 1 with the stack on any error.
 */
export function runAsSeedChild<T>(seeder: Seeder<T>, main: () => Promise<void>): void {
  const encoded = process.env.BENCH_SEED;
  const work = encoded ? seed(JSON.parse(encoded) as SeedJob, seeder) : main();
  work
    .then(() => process.exit(0))
    .catch((error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    });
}

async function seed<T>(job: SeedJob, seeder: Seeder<T>): Promise<void> {
  const database = await openDatabase({
    url: job.url,
    dataDir: path.join(job.dataDir, 'database'),
    poolMax: 10,
  });
  await migrateToLatest(database);
  const started = performance.now();
  const result = await seeder(database.knex, job.sim);
  process.stdout.write(
    `seeded the ${database.kind} database in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
  fs.writeFileSync(job.resultFile, JSON.stringify(result));
  await database.close();
}

export interface DirectoryUserRow {
  id: string;
  position: number;
}

/** One imported user in a hundred stored with a stale last name: work for a sync of them. */
export function staleEveryHundredth(user: DirectoryUserRow, row: Record<string, unknown>) {
  return user.position % 100 === 0 ? { ...row, last_name: `${row.last_name}-stale` } : row;
}

/**
 * Imports the first `limit` directory users as they are upstream, read page by page from Graph (before the
 * bench switches latency and throttle on), in one multi-row insert per page. `adjust` may change a user's
 * row before it is stored (a stale last name, say) and sees each user's object id and position.
 */
export async function importDirectory(
  db: Knex,
  sim: SimEndpoint,
  options: {
    limit: number;
    adjust?: (user: DirectoryUserRow, row: Record<string, unknown>) => Record<string, unknown>;
  },
): Promise<void> {
  const token = await graphToken(sim);
  let imported = 0;
  let next: string | undefined =
    `${sim.url}/v1.0/users?$select=${userReading(mappableProperties).select}&$top=999`;
  while (next && imported < options.limit) {
    const response = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as {
      value: Array<Parameters<typeof mapProfile>[0] & { id: string; accountEnabled?: boolean }>;
      '@odata.nextLink'?: string;
    };
    const rows = page.value.slice(0, options.limit - imported).map((user) => {
      const disabled = user.accountEnabled === false;
      const row = {
        ...profileColumns(mapProfile(user, defaultMapping)),
        // As import brings them under the default `accountState: sync`: a disabled account comes in inactive.
        is_active: !disabled,
        deactivated_by_sync: disabled,
        source: 'azure_ad',
        object_id: user.id,
        tenant_id: sim.tenantId,
      };
      const position = imported;
      imported += 1;
      return options.adjust ? options.adjust({ id: user.id, position }, row) : row;
    });
    if (rows.length > 0) await db('users').insert(rows);
    next = page['@odata.nextLink'];
  }
}

/**
 * Rows inserted set-based: each column sent as one array and the rows made by `unnest`, `slice` rows a
 * statement (a row-per-value insert stops at 65,535 values, and a million memberships took minutes that way).
 * `columns` maps each column to its PostgreSQL type and its values, all of one length. Returns the
 * `returning` columns of the rows inserted, when asked.
 */
export async function insertUnnested<Row = never>(
  db: Knex,
  table: string,
  columns: Record<string, { type: string; values: Array<string | number | null> }>,
  options: { slice?: number; returning?: string[] } = {},
): Promise<Row[]> {
  const names = Object.keys(columns);
  const length = columns[names[0]].values.length;
  const slice = options.slice ?? 100_000;
  const returned: Row[] = [];
  for (let start = 0; start < length; start += slice) {
    const arrays = names.map((name) => columns[name].values.slice(start, start + slice));
    const result = await db.raw(
      `insert into ?? (${names.map(() => '??').join(', ')}) select * from unnest(${names
        .map((name) => `?::${columns[name].type}[]`)
        .join(
          ', ',
        )})${options.returning ? ` returning ${options.returning.map(() => '??').join(', ')}` : ''}`,
      // A null in an array binding is SQL null: knex's types allow arrays of one type only.
      [table, ...names, ...arrays, ...(options.returning ?? [])] as unknown as Knex.RawBinding[],
    );
    if (options.returning) returned.push(...(result.rows as Row[]));
  }
  return returned;
}
