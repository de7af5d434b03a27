import type { Knex } from 'knex';
import { profileFieldTable, sortableFields } from '../src/features/users/profile-fields';
import { countCap } from '../src/features/users/repository';
import { ReadSearches } from '../src/features/users/repository/read-searches';
import { configureTenant, seedImportedUsers } from './support/fixtures';
import { startTestApp, type TestApp } from './support/harness';

/**
 * A search sorted by a name is read once and its pages and repeats are taken from what was read, for as long
 * as the revision of the tenant's imported users is the one it was read at (migration 031). These tests
 * hold that every change a search or a sort can see renews the revision, that nothing else does, and that
 * a request after a change answers from the database as it is now.
 */

let t: TestApp;
let db: Knex;
/** Statements that read a search's matches in full, counted from the app's own connection. */
let searchesRead = 0;

const okafors = ['okafor.ada', 'okafor.bola', 'okafor.chidi', 'okafor.dayo', 'okafor.emeka'];

beforeAll(async () => {
  t = await startTestApp();
  db = t.app.db;
  await seedImportedUsers(
    db,
    'tenant-now',
    [...okafors, 'vance.fay'].map((name) => ({
      username: `${name}@contoso.com`,
      firstName: name.split('.')[1],
      lastName: name.split('.')[0],
    })),
  );
  await seedImportedUsers(db, 'tenant-before', [{ username: 'okafor.former@fabrikam.com' }]);
  await configureTenant(db, t.app.directoryAccess.secretBox, { tenantId: 'tenant-now' });
  db.on('query', (query: { sql: string }) => {
    if (query.sql.includes('json_agg')) searchesRead += 1;
  });
});
afterAll(() => t.close());

interface Page {
  items: Array<{ id: string; username: string; firstName: string; lastName: string; isActive: boolean }>;
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
  totalIsExact: boolean;
  tenantId: string | null;
}

async function list(query: string): Promise<Page> {
  return (await t.http.get(`/api/imported-users${query}`).set('cookie', t.adminCookie).expect(200)).body;
}

const usernames = (page: Page) => page.items.map((user) => user.username.split('@')[0]);

async function revisionOf(tenantId: string, queryable: Knex | Knex.Transaction = db): Promise<bigint> {
  const row = await queryable('tenant_user_counts').where({ tenant_id: tenantId }).first('revision');
  return BigInt(row.revision);
}

/** Runs `change` and says whether each tenant's revision was renewed. */
async function renewals(change: () => Promise<unknown>) {
  const before = [await revisionOf('tenant-now'), await revisionOf('tenant-before')];
  await change();
  const after = [await revisionOf('tenant-now'), await revisionOf('tenant-before')];
  return { now: after[0] !== before[0], before: after[1] !== before[1] };
}

describe("a tenant's revision of its imported users", () => {
  it('is renewed by a statement that changes a field a search reads or a sort orders by', async () => {
    const rename = () =>
      db('users').where({ username: 'okafor.ada@contoso.com' }).update({ first_name: 'Adaeze' });
    expect(await renewals(rename)).toEqual({ now: true, before: false });
    const both = () =>
      db('users')
        .whereIn('username', ['okafor.ada@contoso.com', 'okafor.bola@contoso.com'])
        .update({
          last_name: db.raw('upper(last_name)'),
        });
    expect(await renewals(both)).toEqual({ now: true, before: false });
    expect(
      await renewals(() => seedImportedUsers(db, 'tenant-before', [{ username: 'x.y@fabrikam.com' }])),
    ).toEqual({ now: false, before: true });
    expect(await renewals(() => db('users').where({ username: 'x.y@fabrikam.com' }).delete())).toEqual({
      now: false,
      before: true,
    });
    // The same words in the search text, split otherwise between first and last name: the sort changes.
    const split = () =>
      db('users')
        .where({ username: 'okafor.ada@contoso.com' })
        .update({ first_name: 'Adaeze OKAFOR', last_name: '' });
    expect(await renewals(split)).toEqual({ now: true, before: false });
    const back = () =>
      db('users')
        .where({ username: 'okafor.ada@contoso.com' })
        .update({ first_name: 'ada', last_name: 'okafor' });
    expect(await renewals(back)).toEqual({ now: true, before: false });
  });

  it.each(sortableFields)('is renewed by a change of %s, a field the listing sorts by', async (field) => {
    const { column } = profileFieldTable[field];
    const { id } = await db('users').where('username', 'like', 'vance.fay%').first('id');
    const edit = (value: string) => () =>
      db('users')
        .where({ id })
        .update({ [column]: db.raw(value) });
    expect(await renewals(edit(`${column} || '.'`))).toEqual({ now: true, before: false });
    expect(await renewals(edit(`rtrim(${column}, '.')`))).toEqual({ now: true, before: false });
  });

  it('is not renewed by what neither a search nor a sort by name reads', async () => {
    const user = await db('users').where({ username: 'okafor.bola@contoso.com' }).first('id');
    expect(
      await renewals(async () => {
        await db('users').where({ id: user.id }).update({ is_active: false, contact_number: '+1 555 0100' });
        await db('users').where({ id: user.id }).update({ is_active: true });
        await db('user_sync_stamps').where({ user_id: user.id }).update({ synced_at: db.fn.now() });
        // Set to what it is: no change.
        await db('users')
          .where({ id: user.id })
          .update({ last_name: db.raw('last_name') });
        await db('users').insert({
          username: 'local.admin',
          first_name: 'Okafor',
          last_name: 'Local',
          email: 'local.admin@contoso.com',
          source: 'local',
        });
      }),
    ).toEqual({ now: false, before: false });
  });

  it('names one state only: a revision a rolled-back transaction saw is never seen again', async () => {
    const before = await revisionOf('tenant-now');
    const inside = await db
      .transaction(async (trx) => {
        await trx('users').where({ username: 'vance.fay@contoso.com' }).update({ first_name: 'Faye' });
        const seen = await revisionOf('tenant-now', trx);
        throw Object.assign(new Error('rolled back'), { seen });
      })
      .catch((error: { seen: bigint }) => error.seen);
    expect(inside).not.toBe(before);
    expect(await revisionOf('tenant-now')).toBe(before);
    await db('users').where({ username: 'vance.fay@contoso.com' }).update({ first_name: 'Fayola' });
    const after = await revisionOf('tenant-now');
    expect(after).not.toBe(before);
    expect(after).not.toBe(inside);
  });
});

describe('a search read once', () => {
  beforeEach(() => {
    searchesRead = 0;
  });

  it('answers its next pages and repeats from what it read, in the same order as reading them again', async () => {
    const first = await list('?search=okafor&limit=2');
    const second = await list(`?search=okafor&limit=2&cursor=${first.nextCursor}`);
    const third = await list(`?search=okafor&limit=2&cursor=${second.nextCursor}`);
    const back = await list(`?search=okafor&limit=2&cursor=${third.prevCursor}`);
    const descending = await list('?search=okafor&limit=2&order=desc');
    expect(searchesRead).toBe(1);
    expect([first, second, third].map(usernames)).toEqual([
      ['okafor.ada', 'okafor.bola'],
      ['okafor.chidi', 'okafor.dayo'],
      ['okafor.emeka'],
    ]);
    expect(back).toEqual(second);
    expect(usernames(descending)).toEqual(['okafor.emeka', 'okafor.dayo']);
    expect(first).toMatchObject({ total: 5, totalIsExact: true, tenantId: 'tenant-now', prevCursor: null });
    expect(third.nextCursor).toBeNull();
  });

  it('shows the users as they are now, and reads the search again after a change it can see', async () => {
    await list('?search=okafor&limit=10');
    const reads = searchesRead;
    // A change no search sees is shown at once, from the same read.
    await db('users').where({ username: 'okafor.chidi@contoso.com' }).update({ is_active: false });
    const deactivated = await list('?search=okafor&limit=10');
    expect(deactivated.items.find((user) => user.username.startsWith('okafor.chidi'))?.isActive).toBe(false);
    expect(searchesRead).toBe(reads);

    await db('users')
      .where({ username: 'okafor.chidi@contoso.com' })
      .update({ username: 'chidi.o@contoso.com', email: 'chidi.o@contoso.com', last_name: 'obi' });
    const renamed = await list('?search=okafor&limit=10');
    expect(searchesRead).toBe(reads + 1);
    expect(usernames(renamed)).toEqual(['okafor.ada', 'okafor.bola', 'okafor.dayo', 'okafor.emeka']);
    expect(renamed.total).toBe(4);

    await seedImportedUsers(db, 'tenant-now', [{ username: 'okafor.aaron@contoso.com' }]);
    const added = await list('?search=okafor&limit=10');
    expect(usernames(added)[0]).toBe('okafor.aaron');
    expect(added.total).toBe(5);
    await db('users').where({ username: 'chidi.o@contoso.com' }).update({
      username: 'okafor.chidi@contoso.com',
      email: 'okafor.chidi@contoso.com',
      last_name: 'okafor',
    });
    await db('users').where({ username: 'okafor.aaron@contoso.com' }).delete();
    expect((await list('?search=okafor&limit=10')).total).toBe(5);
  });

  it('orders by the new key after a change that keeps the search text', async () => {
    const byFirstName = () => list('?search=okafor&sort=firstName&limit=10');
    expect(usernames(await byFirstName())[0]).toBe('okafor.ada');
    // "zed okafor" and "" read as "ada okafor" and "zed" did: the search text is the same, the order not.
    await db('users')
      .where({ username: 'okafor.ada@contoso.com' })
      .update({ first_name: 'zed okafor', last_name: '' });
    expect(usernames(await byFirstName()).at(-1)).toBe('okafor.ada');
    await db('users')
      .where({ username: 'okafor.ada@contoso.com' })
      .update({ first_name: 'ada', last_name: 'okafor' });
    expect(usernames(await byFirstName())[0]).toBe('okafor.ada');
  });

  it('follows a cursor handed out before a change from the database as it is now', async () => {
    const first = await list('?search=okafor&limit=2');
    await db('users').where({ username: 'okafor.chidi@contoso.com' }).delete();
    const second = await list(`?search=okafor&limit=2&cursor=${first.nextCursor}`);
    expect(usernames(second)).toEqual(['okafor.dayo', 'okafor.emeka']);
    expect(second.total).toBe(4);
    // A cursor whose row has since left the search (its key is no longer the one it was listed with).
    await db('users')
      .where({ username: 'okafor.dayo@contoso.com' })
      .update({ username: 'dayo.o@contoso.com', email: 'dayo.o@contoso.com', last_name: 'obi' });
    const past = await list(`?search=okafor&limit=2&cursor=${second.prevCursor}`);
    expect(usernames(past)).toEqual(['okafor.ada', 'okafor.bola']);
    const afterGone = await list(`?search=okafor&limit=5&cursor=${first.nextCursor}`);
    expect(usernames(afterGone)).toEqual(['okafor.emeka']);
  });

  it('keeps only the count of a search past the cap, and walks the index for each page', async () => {
    const bulk = Array.from({ length: countCap + 1 }, (_, index) => ({
      username: `bulk.${String(index).padStart(5, '0')}@contoso.com`,
    }));
    await seedImportedUsers(db, 'tenant-now', bulk);
    try {
      const first = await list('?search=bulk.&limit=3');
      const second = await list(`?search=bulk.&limit=3&cursor=${first.nextCursor}`);
      const last = await list('?search=bulk.&limit=2&order=desc');
      expect(searchesRead).toBe(1);
      expect(first).toMatchObject({ total: countCap, totalIsExact: false });
      expect([first, second, last].map(usernames)).toEqual([
        ['bulk.00000', 'bulk.00001', 'bulk.00002'],
        ['bulk.00003', 'bulk.00004', 'bulk.00005'],
        ['bulk.10000', 'bulk.09999'],
      ]);
      await db('users').where({ username: 'bulk.10000@contoso.com' }).delete();
      const exact = await list('?search=bulk.&limit=2&order=desc');
      expect(searchesRead).toBe(2);
      expect(exact).toMatchObject({ total: countCap, totalIsExact: true });
      expect(usernames(exact)).toEqual(['bulk.09999', 'bulk.09998']);
    } finally {
      await db('users').whereLike('username', 'bulk.%').delete();
    }
  });

  it('answers for the tenant configured now, not for the one the search was read for', async () => {
    expect((await list('?search=okafor&limit=10')).tenantId).toBe('tenant-now');
    await configureTenant(db, t.app.directoryAccess.secretBox, { tenantId: 'tenant-before' });
    try {
      const other = await list('?search=okafor&limit=10');
      expect(other).toMatchObject({ tenantId: 'tenant-before', total: 1 });
      expect(usernames(other)).toEqual(['okafor.former']);
    } finally {
      await configureTenant(db, t.app.directoryAccess.secretBox, { tenantId: 'tenant-now' });
    }
  });
});

describe('the searches a process keeps', () => {
  const search = (size: number) => ({
    tenantId: 't',
    revision: '1',
    matched: size,
    matches: Array.from({ length: size }, (_, index) => [`id-${index}`, `key-${index}`] as const),
  });

  it('holds matches up to its budget, dropping the least recently used search first', () => {
    const searches = new ReadSearches(10);
    searches.set('a', search(4));
    searches.set('b', search(4));
    expect(searches.get('a')).toBeDefined();
    searches.set('c', search(4));
    expect(searches.get('b')).toBeUndefined();
    expect(searches.get('a')).toBeDefined();
    expect(searches.get('c')).toBeDefined();
    searches.set('a', search(2));
    searches.set('d', search(4));
    expect(searches.size).toBe(3);
    searches.set('huge', search(11));
    expect(searches.get('huge')).toBeUndefined();
    expect(searches.size).toBe(3);
    // A search past the cap keeps its count only, and counts as one match.
    for (let index = 0; index < 10; index += 1)
      searches.set(`broad ${index}`, { ...search(0), matched: countCap + 1 });
    expect(searches.size).toBe(10);
    expect(searches.get('d')).toBeUndefined();
  });
});
