import { randomBytes } from 'node:crypto';
import knex from 'knex';
import { type Database, openDatabase } from '../../src/infra/db/database';
import { migrateToLatest } from '../../src/infra/db/migrate';

export interface ServerDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the DATABASE_URL server, named `<prefix>_<random>`; `drop` removes it. */
export async function createServerDatabase(
  serverUrl: string,
  prefix = 'adsync_test',
): Promise<ServerDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}

/**
 * Each test file gets a database of its own: an in-memory embedded one, or, with DATABASE_URL set, a fresh
 * database on that PostgreSQL server, dropped afterwards. Migrated to the latest schema unless asked not to.
 */
export async function openTestDatabase({ migrated = true } = {}): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ dataDir: 'memory://' });
    if (migrated) await migrateToLatest(database);
    return database;
  }
  const created = await createServerDatabase(serverUrl);
  const database = await openDatabase({ url: created.url, dataDir: 'unused', poolMax: 10 });
  if (migrated) await migrateToLatest(database);
  return {
    ...database,
    async close() {
      await database.close();
      await created.drop();
    },
  };
}
