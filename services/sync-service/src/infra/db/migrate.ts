import type { Knex } from 'knex';
import { type Migration, migrations } from '../../../migrations';

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

export async function migrateToLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migratorConfig)) as [number, string[]];
  return applied;
}

export async function rollbackAll(db: Knex): Promise<string[]> {
  const [, reverted] = (await db.migrate.rollback(migratorConfig, true)) as [number, string[]];
  return reverted;
}
