import type { Knex } from 'knex';
import type { Database } from '../src/infra/db/database';
import { openTestDatabase } from './support/databases';
import { seedImportedUsers } from './support/fixtures';

/**
 * Each tenant's count of imported users, which every page of the listing reads, is kept by one write of the
 * tenant's counter row per statement (migration 032): right after any statement that adds, removes, moves or
 * renames users, and without a dead version of the row per user written.
 */

let database: Database;
let db: Knex;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.knex;
});
afterAll(() => database.close());

async function counts(queryable: Knex | Knex.Transaction = db): Promise<Record<string, number>> {
  const rows: Array<{ tenant_id: string; imported_count: string }> = await queryable('tenant_user_counts')
    .orderBy('tenant_id')
    .select('tenant_id', 'imported_count');
  return Object.fromEntries(rows.map((row) => [row.tenant_id, Number(row.imported_count)]));
}

/** The counts as the users themselves say, to compare the kept ones with. */
async function countedFromUsers(queryable: Knex | Knex.Transaction = db): Promise<Record<string, number>> {
  const rows: Array<{ tenant_id: string; n: number }> = await queryable('users')
    .where({ source: 'azure_ad' })
    .groupBy('tenant_id')
    .orderBy('tenant_id')
    .select('tenant_id', db.raw('count(*)::int as n'));
  return Object.fromEntries(rows.map((row) => [row.tenant_id, row.n]));
}

const seeds = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, index) => ({ username: `${prefix}.${index}@contoso.com` }));

/**
 * How many times `change` wrote the counter rows, as the transaction's own statistics count them (they may
 * also hold the connection's writes not yet reported, hence the difference).
 */
async function counterWrites(change: (trx: Knex.Transaction) => Promise<unknown>) {
  return db.transaction(async (trx) => {
    const writes = async () => {
      const row = await trx('pg_stat_xact_user_tables')
        .where({ relname: 'tenant_user_counts' })
        .first(trx.raw('(n_tup_ins + n_tup_upd)::int as writes'));
      return row.writes as number;
    };
    const before = await writes();
    await change(trx);
    return (await writes()) - before;
  });
}

describe("a tenant's count of imported users", () => {
  it('follows statements that add, remove and move many users at once, as the users say', async () => {
    await seedImportedUsers(db, 'tenant-a', seeds('a', 2_500));
    await seedImportedUsers(db, 'tenant-b', seeds('b', 700));
    await db('users').insert({ username: 'local.one', email: 'local.one@contoso.com', source: 'local' });
    expect(await counts()).toEqual({ 'tenant-a': 2_500, 'tenant-b': 700 });

    await db('users').where('username', 'like', 'a.1%').delete();
    expect(await counts()).toEqual(await countedFromUsers());

    // Users moved from one tenant to another in one statement: the one loses what the other gains.
    await db('users')
      .where('username', 'like', 'a.2%')
      .update({ tenant_id: 'tenant-b', object_id: db.raw("'moved-' || id") });
    expect(await counts()).toEqual(await countedFromUsers());
    expect((await counts())['tenant-b']).toBeGreaterThan(700);

    // An imported user made local leaves the count; renames and activations change nothing in it.
    await db('users')
      .where({ username: 'b.0@contoso.com' })
      .update({ source: 'local', tenant_id: null, object_id: null });
    await db('users').where('username', 'like', 'b.1%').update({ first_name: 'Renamed', is_active: false });
    expect(await counts()).toEqual(await countedFromUsers());

    // Users inserted and removed in one transaction leave the count as it was.
    const kept = await counts();
    await db.transaction(async (trx) => {
      await seedImportedUsers(trx, 'tenant-a', seeds('transient', 3));
      await trx('users').where('username', 'like', 'transient.%').delete();
    });
    expect(await counts()).toEqual(kept);
  });

  it('is set to 0 by a TRUNCATE, which no trigger for each row sees', async () => {
    await db.transaction(async (trx) => {
      await trx.raw('truncate users cascade');
      expect(await counts(trx)).toEqual({ 'tenant-a': 0, 'tenant-b': 0 });
      await trx.rollback();
    });
    expect(await counts()).toEqual(await countedFromUsers());
  });

  it('writes the counter row once per statement, not once per user', async () => {
    const writes = await counterWrites(async (trx) => {
      await seedImportedUsers(trx, 'tenant-a', seeds('bulk', 500));
      await trx('users').where('username', 'like', 'bulk.%').update({ last_name: 'Bulk' });
      await trx('users').where('username', 'like', 'bulk.%').delete();
    });
    // Three statements, each writing tenant-a's row once (a trigger for each row wrote it 1,000 times).
    expect(writes).toBe(3);
  });
});
