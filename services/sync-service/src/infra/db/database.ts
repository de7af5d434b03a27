import fs from 'node:fs';
import path from 'node:path';
import { type Extension, PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import lockfile from 'proper-lockfile';

// The package types this entry point as ESM only, yet ships a CommonJS build of it.
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };
const { btree_gin } = require('@electric-sql/pglite/contrib/btree_gin') as { btree_gin: Extension };

// Counts come back as bigint; every count here fits a JavaScript number.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

export type DatabaseKind = 'embedded' | 'postgresql';

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export class DatabaseLockedError extends Error {
  constructor(dataDir: string) {
    super(
      `The embedded database in ${dataDir} is open in another process. ` +
        'Only one process may use an embedded database; stop the other one, or use DATABASE_URL for several.',
    );
  }
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; without it the embedded database is used. */
  url?: string;
  /** Where the embedded database keeps its files; `memory://` keeps them in memory. */
  dataDir: string;
  poolMax?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openServerDatabase(options.url, options.poolMax ?? 10)
    : openEmbeddedDatabase(options.dataDir);
}

/**
 * Settings of every session, applied when Knex opens a connection:
 * - `synchronize_seqscans = off`: a sequential scan starts at the table's first block. PostgreSQL's default
 *   starts it where the last scan of a table larger than a quarter of shared_buffers stopped, so a search
 *   that stops at its count's cap began amid a former tenant's users and read through them: 240 ms instead
 *   of 17 ms for a two-character search, four requests in ten (bench:list, docs/performance.md).
 * - on the embedded database only, `plan_cache_mode = force_custom_plan`: each statement is planned for its
 *   own values. A generic plan cannot see how selective a search pattern is: it walked the whole username
 *   index for a rare term (140 ms instead of 5 ms on the embedded database, which reused prepared
 *   statements). The server plans the unnamed statements Knex sends for their values anyway, and keeps
 *   `auto` for the few statements prepared by name (`reusePlan`): planned once, they are what a listing runs
 *   on every request.
 */
const everySession = { synchronize_seqscans: 'off' };
const sessionSettings: Record<DatabaseKind, Record<string, string>> = {
  postgresql: everySession,
  embedded: { ...everySession, plan_cache_mode: 'force_custom_plan' },
};

function applySessionSettings(kind: DatabaseKind) {
  const settings = sessionSettings[kind];
  return (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) => {
    connection.query(
      'select set_config(name, setting, false) from unnest($1::text[], $2::text[]) as settings(name, setting)',
      [Object.keys(settings), Object.values(settings)],
      (error) => done(error, connection),
    );
  };
}

async function openServerDatabase(url: string, poolMax: number): Promise<Database> {
  const db = knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax, afterCreate: applySessionSettings('postgresql') },
  });
  await db.raw('select 1');
  return { knex: db, kind: 'postgresql', close: () => db.destroy() };
}

/**
 * PGlite is a single session inside this process: Knex gets a pool of exactly one connection so that two
 * transactions can never interleave on it, and a lock file keeps a second process off the same directory.
 */
async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  let releaseLock: (() => Promise<void>) | undefined;
  if (!inMemory) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      releaseLock = await lockfile.lock(dataDir, {
        lockfilePath: path.join(dataDir, '.lock'),
        stale: 15_000,
        update: 5_000,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DatabaseLockedError(dataDir);
      throw error;
    }
  }
  const pglite = new PGlite(inMemory ? dataDir : path.join(dataDir, 'pgdata'), {
    extensions: { pg_trgm, btree_gin },
  });
  const db = knex({
    client: 'pg',
    connection: () => createPgConfig(pglite) as unknown as Knex.PgConnectionConfig,
    pool: { min: 1, max: 1, afterCreate: applySessionSettings('embedded') },
  });
  try {
    // Starting PGlite (compiling it, and initdb for a new database) took over 30 s on a loaded machine,
    // longer than Knex waits for a connection to be created: Knex asks for one once PGlite is ready.
    await pglite.waitReady;
    await db.raw('select 1');
  } catch (error) {
    await releaseLock?.();
    throw error;
  }
  return {
    knex: db,
    kind: 'embedded',
    async close() {
      await db.destroy();
      await pglite.close();
      await releaseLock?.();
    },
  };
}
