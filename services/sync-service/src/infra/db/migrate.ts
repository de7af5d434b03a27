import type { Knex } from 'knex';
import pg from 'pg';
import { type Migration, migrations } from '../../../migrations';
import type { Database } from './database';

/** Knex reads the ordered, typed migrations from a list rather than from the file system. */
export function migratorConfigFor(list: Migration[]): Knex.MigratorConfig {
  const migrationSource: Knex.MigrationSource<string> = {
    getMigrations: async () => list.map((migration) => migration.name),
    getMigrationName: (name) => name,
    getMigration: async (name) => {
      const migration = list.find((candidate) => candidate.name === name);
      if (!migration) throw new Error(`Unknown migration ${name}`);
      return migration;
    },
  };
  return { migrationSource, tableName: 'knex_migrations' };
}

const migratorConfig = migratorConfigFor(migrations);

/** The advisory lock that migrators on one PostgreSQL database take in turn ("adsy" in ASCII). */
const migrationLockKey = 0x61647379;

/**
 * Runs `work` while this process holds the migration lock. Knex's own lock is a row of a table that Knex
 * creates first, unlocked, so migrators started together on an empty database raced to create it (and
 * failed with `relation "knex_migrations" already exists`). A session-level advisory lock needs no table:
 * the lock is held on a connection of its own, outside Knex's pool, and ends with that session if the
 * process dies. The embedded database needs none: one process at most opens it.
 */
async function underMigrationLock<T>(database: Database, work: () => Promise<T>): Promise<T> {
  if (database.kind !== 'postgresql') return work();
  const { connection } = database.knex.client.config as Knex.Config;
  const session = new pg.Client(connection as string | pg.ClientConfig);
  await session.connect();
  try {
    await session.query('select pg_advisory_lock($1)', [migrationLockKey]);
    return await work();
  } finally {
    await session.end();
  }
}

export function migrateToLatest(database: Database): Promise<string[]> {
  return underMigrationLock(database, async () => {
    const [, applied] = (await database.knex.migrate.latest(migratorConfig)) as [number, string[]];
    return applied;
  });
}

export function rollbackAll(database: Database): Promise<string[]> {
  return underMigrationLock(database, async () => {
    const [, reverted] = (await database.knex.migrate.rollback(migratorConfig, true)) as [number, string[]];
    return reverted;
  });
}
