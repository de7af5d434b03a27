import { countCap } from '../src/features/users/repository';
import { configureTenant, seedImportedUsers } from './support/fixtures';
import { startTestApp, type TestApp } from './support/harness';

/**
 * The imported users' listing with a former tenant's users still in the database: the order of the sort
 * by last sync and of searches (ties by id), paging both ways, and the count of a search past the cap.
 */

let t: TestApp;
/** The configured tenant's users and their stamps: two pairs share a stamp, so the id breaks the tie. */
const stamped = [
  ['okafor.a', '2026-01-03T00:00:00Z'],
  ['okafor.b', '2026-01-01T00:00:00Z'],
  ['okafor.c', '2026-01-02T00:00:00Z'],
  ['vance.d', '2026-01-02T00:00:00Z'],
  ['vance.e', '2026-01-04T00:00:00Z'],
  ['vance.f', '2026-01-04T00:00:00Z'],
] as const;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.app.db;
  await seedImportedUsers(
    db,
    'tenant-now',
    stamped.map(([name]) => ({ username: `${name}@contoso.com`, lastName: name.split('.')[0] })),
  );
  // The former tenant's users match the same searches and hold stamps between and around these.
  await seedImportedUsers(
    db,
    'tenant-before',
    stamped.map(([name]) => ({ username: `${name}@fabrikam.com`, lastName: name.split('.')[0] })),
  );
  for (const [name, syncedAt] of stamped) {
    for (const [domain, shift] of [
      ['contoso.com', 0],
      ['fabrikam.com', 12 * 3_600_000],
    ] as const) {
      const user = await db('users')
        .where({ username: `${name}@${domain}` })
        .first('id');
      await db('user_sync_stamps')
        .where({ user_id: user.id })
        .update({ synced_at: new Date(Date.parse(syncedAt) + shift) });
    }
  }
  await configureTenant(db, t.app.directoryAccess.secretBox, { tenantId: 'tenant-now' });
});
afterAll(() => t.close());

const list = (query: string) => t.http.get(`/api/imported-users${query}`).set('cookie', t.adminCookie);

interface Page {
  items: Array<{ id: string; username: string }>;
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
  totalIsExact: boolean;
}

/** Every page from the first by nextCursor, then back again by prevCursor: the usernames of each. */
async function walk(query: string) {
  const forwards: Page[] = [(await list(query).expect(200)).body];
  while (forwards.at(-1)?.nextCursor) {
    forwards.push((await list(`${query}&cursor=${forwards.at(-1)?.nextCursor}`).expect(200)).body);
  }
  const backwards: Page[] = [forwards.at(-1) as Page];
  while (backwards.at(-1)?.prevCursor) {
    backwards.push((await list(`${query}&cursor=${backwards.at(-1)?.prevCursor}`).expect(200)).body);
  }
  const names = (pages: Page[]) => pages.map((page) => page.items.map((user) => user.username.split('@')[0]));
  return { forwards: names(forwards), backwards: names(backwards), first: forwards[0] };
}

/** The configured tenant's users ordered as the listing promises: by the key, then by id. */
async function expectedOrder(names: readonly string[], key: (name: string) => string, descending: boolean) {
  const rows = await t.app.db('users').whereIn(
    'username',
    names.map((name) => `${name}@contoso.com`),
  );
  const idOf = new Map(rows.map((row) => [row.username.split('@')[0], row.id as string]));
  const ordered = [...names].sort((a, b) => {
    const keyA = key(a);
    const keyB = key(b);
    if (keyA !== keyB) return keyA < keyB ? -1 : 1;
    return (idOf.get(a) as string) < (idOf.get(b) as string) ? -1 : 1;
  });
  return descending ? ordered.reverse() : ordered;
}

const syncedAtOf = (name: string) => stamped.find(([candidate]) => candidate === name)?.[1] as string;
const chunks = (names: string[], size: number) =>
  Array.from({ length: Math.ceil(names.length / size) }, (_, index) =>
    names.slice(index * size, index * size + size),
  );

describe('GET /api/imported-users beside a former tenant', () => {
  it('sorts by last sync both ways, ties by id, pages both ways, and lists no other tenant', async () => {
    const names = stamped.map(([name]) => name);
    for (const order of ['asc', 'desc'] as const) {
      const expected = await expectedOrder(names, syncedAtOf, order === 'desc');
      const pages = await walk(`?sort=lastSyncedAt&order=${order}&limit=2`);
      expect(pages.forwards).toEqual(chunks(expected, 2));
      expect(pages.backwards).toEqual(chunks(expected, 2).reverse());
      expect(pages.first.total).toBe(stamped.length);
    }
  });

  it('finds, counts and orders only the configured tenant among matches of both tenants', async () => {
    const okafors = stamped.map(([name]) => name).filter((name) => name.startsWith('okafor'));
    const byName = await walk('?search=OKAFOR&limit=2');
    expect(byName.forwards).toEqual(chunks(await expectedOrder(okafors, (name) => name, false), 2));
    expect(byName.backwards).toEqual(
      chunks(await expectedOrder(okafors, (name) => name, false), 2).reverse(),
    );
    expect(byName.first).toMatchObject({ total: 3, totalIsExact: true });

    const bySync = await walk('?search=a&sort=lastSyncedAt&order=desc&limit=4');
    const all = stamped.map(([name]) => name);
    expect(bySync.forwards).toEqual(chunks(await expectedOrder(all, syncedAtOf, true), 4));
    expect(bySync.backwards).toEqual(chunks(await expectedOrder(all, syncedAtOf, true), 4).reverse());
    expect(bySync.first).toMatchObject({ total: stamped.length, totalIsExact: true });

    expect((await list('?search=nobody').expect(200)).body).toMatchObject({
      items: [],
      total: 0,
      totalIsExact: true,
      nextCursor: null,
      prevCursor: null,
      tenantId: 'tenant-now',
    });
  });

  it('counts a search past the cap as the cap, and still pages it in order', async () => {
    const bulk = Array.from({ length: countCap + 1 }, (_, index) => ({
      username: `bulk.${String(index).padStart(5, '0')}@contoso.com`,
    }));
    await seedImportedUsers(t.app.db, 'tenant-now', bulk);
    await seedImportedUsers(t.app.db, 'tenant-before', [{ username: 'bulk.former@fabrikam.com' }]);
    const first: Page = (await list('?search=bulk.&limit=3').expect(200)).body;
    expect(first).toMatchObject({ total: countCap, totalIsExact: false, prevCursor: null });
    expect(first.items.map((user) => user.username)).toEqual([
      'bulk.00000@contoso.com',
      'bulk.00001@contoso.com',
      'bulk.00002@contoso.com',
    ]);
    const second: Page = (await list(`?search=bulk.&limit=3&cursor=${first.nextCursor}`).expect(200)).body;
    expect(second.items.map((user) => user.username)).toEqual([
      'bulk.00003@contoso.com',
      'bulk.00004@contoso.com',
      'bulk.00005@contoso.com',
    ]);
    const last: Page = (await list('?search=bulk.&limit=2&order=desc').expect(200)).body;
    expect(last.items.map((user) => user.username)).toEqual([
      'bulk.10000@contoso.com',
      'bulk.09999@contoso.com',
    ]);
    // One match fewer than the cap is counted exactly, from the same statement that finds the page.
    await t.app.db('users').where({ username: 'bulk.10000@contoso.com' }).delete();
    await t.app.db('users').where({ username: 'bulk.09999@contoso.com' }).delete();
    const exact: Page = (await list('?search=bulk.&limit=2&order=desc').expect(200)).body;
    expect(exact).toMatchObject({ total: countCap - 1, totalIsExact: true });
    expect(exact.items.map((user) => user.username)).toEqual([
      'bulk.09998@contoso.com',
      'bulk.09997@contoso.com',
    ]);
  });
});
