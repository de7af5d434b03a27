import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { migrations } from '../migrations';
import type { Database } from '../src/infra/db/database';
import { migrateToLatest, migratorConfigFor, rollbackAll } from '../src/infra/db/migrate';
import { createServerDatabase, openTestDatabase } from './support/databases';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase({ migrated: false });
});
afterAll(() => database.close());

const upTo = (name: string) =>
  migratorConfigFor(migrations.slice(0, migrations.findIndex((migration) => migration.name === name) + 1));

/** Reverts migrations, newest first, until `name` is the newest one applied. */
async function rollBackTo(db: Database['knex'], name: string) {
  const newest = async () => (await db('knex_migrations').orderBy('id', 'desc').first('name'))?.name;
  while ((await newest()) !== name) await db.migrate.down(migratorConfigFor(migrations));
}

describe('migrations', () => {
  it("move each imported user's lastSyncedAt into user_sync_stamps, where every later import gets one", async () => {
    const db = database.knex;
    await db.migrate.latest(upTo('007_sync_schedule'));
    const syncedAt = new Date('2025-03-04T05:06:07Z');
    const [imported, neverSynced] = await db('users')
      .insert([
        {
          username: 'a',
          email: 'a@x',
          source: 'azure_ad',
          object_id: 'o1',
          tenant_id: 't',
          last_synced_at: syncedAt,
        },
        {
          username: 'b',
          email: 'b@x',
          source: 'azure_ad',
          object_id: 'o2',
          tenant_id: 't',
          last_synced_at: null,
        },
        { username: 'c', email: 'c@x', source: 'local' },
      ])
      .returning(['id', 'created_at']);

    expect(await migrateToLatest(database)).toContain('008_user_sync_stamps');

    const stamps = await db('user_sync_stamps').select('user_id', 'synced_at').orderBy('synced_at');
    expect(stamps).toEqual(
      expect.arrayContaining([
        { user_id: imported.id, synced_at: syncedAt },
        { user_id: neverSynced.id, synced_at: neverSynced.created_at },
      ]),
    );
    expect(stamps).toHaveLength(2); // the local user has none
    const [added] = await db('users')
      .insert({ username: 'd', email: 'd@x', source: 'azure_ad', object_id: 'o4', tenant_id: 't' })
      .returning('id');
    expect(await db('user_sync_stamps').where({ user_id: added.id }).first()).toBeDefined();
    await db('users').where({ id: imported.id }).delete();
    expect(await db('user_sync_stamps').where({ user_id: imported.id }).first()).toBeUndefined();
  });

  it('bring the stamps back to the users table when 008 is rolled back', async () => {
    const db = database.knex;
    const syncedAt = new Date('2024-01-02T03:04:05Z');
    const [user] = await db('users')
      .insert({ username: 'e', email: 'e@x', source: 'azure_ad', object_id: 'o5', tenant_id: 't' })
      .returning('id');
    await db('user_sync_stamps').where({ user_id: user.id }).update({ synced_at: syncedAt });

    await rollBackTo(db, '007_sync_schedule');

    expect(await db('users').where({ id: user.id }).first()).toMatchObject({ last_synced_at: syncedAt });
    expect(await db.schema.hasTable('user_sync_stamps')).toBe(false);
  });

  it("give each stamp its user's tenant, at insert and when the user moves, and take it back on rollback", async () => {
    const db = database.knex;
    await migrateToLatest(database);
    await rollBackTo(db, '023_group_sync');
    const [before] = await db('users')
      .insert({ username: 'f', email: 'f@x', source: 'azure_ad', object_id: 'o6', tenant_id: 't1' })
      .returning('id');
    expect(await migrateToLatest(database)).toContain('021_listing_by_tenant');
    const tenantOfStamp = async (userId: string) =>
      (await db('user_sync_stamps').where({ user_id: userId }).first('tenant_id'))?.tenant_id;
    expect(await tenantOfStamp(before.id)).toBe('t1');
    const [after] = await db('users')
      .insert({ username: 'g', email: 'g@x', source: 'azure_ad', object_id: 'o7', tenant_id: 't2' })
      .returning('id');
    expect(await tenantOfStamp(after.id)).toBe('t2');
    await db('users').where({ id: after.id }).update({ tenant_id: 't3' });
    expect(await tenantOfStamp(after.id)).toBe('t3');

    await rollBackTo(db, '023_group_sync');
    expect(await db.schema.hasColumn('user_sync_stamps', 'tenant_id')).toBe(false);
    const [rolledBack] = await db('users')
      .insert({ username: 'h', email: 'h@x', source: 'azure_ad', object_id: 'o8', tenant_id: 't1' })
      .returning('id');
    expect(await db('user_sync_stamps').where({ user_id: rolledBack.id }).first()).toBeDefined();
    await db('users').whereIn('id', [before.id, after.id, rolledBack.id]).delete();
  });

  it('give an existing installation accountState ignore, and leave a new one the default', async () => {
    const db = database.knex;
    const storedPolicy = async () => (await db('sync_policy').first('policy'))?.policy;
    await migrateToLatest(database);
    await rollBackTo(db, '014_run_commit_marks');
    await db('sync_policy').delete();
    await db('sync_policy').insert({ id: 1, policy: JSON.stringify({ retainRuns: 50 }) });
    await migrateToLatest(database);
    expect(await storedPolicy()).toEqual({ retainRuns: 50, accountState: 'ignore' });

    await rollBackTo(db, '014_run_commit_marks');
    expect(await storedPolicy()).toEqual({ retainRuns: 50 });
    // No stored policy, but imported users: an existing installation all the same.
    await db('sync_policy').delete();
    expect(await db('users').where({ source: 'azure_ad' }).first()).toBeDefined();
    await migrateToLatest(database);
    expect(await storedPolicy()).toEqual({ accountState: 'ignore' });

    await rollBackTo(db, '014_run_commit_marks');
    await db('sync_policy').delete();
    await db('users').delete();
    await migrateToLatest(database);
    expect(await storedPolicy()).toBeUndefined();
  });

  it('keep the counts by statement from 032, read them again from the users, and by row after a rollback', async () => {
    const db = database.knex;
    const kept = async () =>
      Number(
        (await db('tenant_user_counts').where({ tenant_id: 'tc' }).first('imported_count'))?.imported_count,
      );
    const imported = (name: string) => ({
      username: name,
      email: `${name}@x`,
      source: 'azure_ad',
      object_id: name,
      tenant_id: 'tc',
    });
    await migrateToLatest(database);
    await rollBackTo(db, '031_listing_revisions');
    await db('users').insert([imported('tc1'), imported('tc2')]);
    expect(await kept()).toBe(2);
    // A count gone wrong under the trigger for each row (a TRUNCATE it never saw, say) is read again.
    await db('tenant_user_counts').where({ tenant_id: 'tc' }).update({ imported_count: 40 });
    expect(await migrateToLatest(database)).toEqual(['032_counts_by_statement']);
    expect(await kept()).toBe(2);
    await db('users').insert([imported('tc3'), imported('tc4')]);
    expect(await kept()).toBe(4);

    await rollBackTo(db, '031_listing_revisions');
    await db('users').where({ username: 'tc1' }).delete();
    expect(await kept()).toBe(3);
    await db('users').where('username', 'like', 'tc%').delete();
    expect(await kept()).toBe(0);
  });

  it('roll back whole and apply again', async () => {
    await migrateToLatest(database);
    expect(await rollbackAll(database)).toHaveLength(migrations.length);
    expect(await migrateToLatest(database)).toEqual(migrations.map((migration) => migration.name));
  });
});

interface Migrator {
  migrate(databaseUrl: string): Promise<{ applied: string[] } | { error: string }>;
  stop(): void;
}

const answerMark = 'migrator answers: ';

/** test/support/migrator-process.ts in a child process: one migration per database URL written to it. */
function startMigrator(): Migrator {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/migrator-process.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  // Knex prints warnings of its own on stdout; the answers are the lines marked as such.
  lines.on('line', (line) => {
    if (line.startsWith(answerMark)) waiting.shift()?.(line.slice(answerMark.length));
  });
  return {
    migrate(databaseUrl) {
      child.stdin.write(`${databaseUrl}\n`);
      return new Promise((resolve) => waiting.push((line) => resolve(JSON.parse(line))));
    },
    stop: () => child.kill(),
  };
}

/**
 * Instances started together each migrate on start. The embedded database is opened by one process at
 * most (a second one is refused before it migrates), so only the server case can race.
 */
const onServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL)
  console.info('migrations.test.ts: concurrent migrators need DATABASE_URL (a PostgreSQL server); skipped');

onServer('migrators in separate processes, started together on an empty database', () => {
  const rounds = 5;
  const migrators: Migrator[] = [];
  beforeAll(() => {
    for (let count = 0; count < 6; count += 1) migrators.push(startMigrator());
  });
  afterAll(() => {
    for (const migrator of migrators) migrator.stop();
  });

  it(`all succeed, and exactly one applies the migrations (${rounds} rounds of 6)`, async () => {
    const everyName = migrations.map((migration) => migration.name);
    for (let round = 1; round <= rounds; round += 1) {
      const created = await createServerDatabase(process.env.DATABASE_URL as string, 'adsync_migrators');
      try {
        const answers = await Promise.all(migrators.map((migrator) => migrator.migrate(created.url)));
        expect({ round, errors: answers.filter((answer) => 'error' in answer) }).toEqual({
          round,
          errors: [],
        });
        const applied = answers.map((answer) => ('applied' in answer ? answer.applied : []));
        expect(applied.filter((names) => names.length > 0)).toEqual([everyName]);
      } finally {
        await created.drop();
      }
    }
  }, 240_000);
});
