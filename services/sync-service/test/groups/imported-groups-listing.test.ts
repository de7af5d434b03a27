import type { Simulator } from '@adsync/tenant-sim';
import { connectionTo, startDirectorySimulator, TENANT } from '../directory/directory-harness';
import { startTestApp, type TestApp } from '../support/harness';

let sim: Simulator;
let t: TestApp;

/** The configured tenant's imported groups, in no particular order of insertion. */
const IMPORTED = [
  'finance',
  'Sales',
  'Finance Auditors',
  'engineering',
  'Marketing',
  'FINANCE team',
  'Legal',
];

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 5, groupCount: 0 });
  t = await startTestApp();
  await admin(t.http.put('/api/settings/azure-ad')).send(connectionTo(sim)).expect(200);
  await t.app.db('groups').insert([
    ...IMPORTED.map((name, index) => ({
      name,
      source: 'azure_ad',
      object_id: `object-${index}`,
      tenant_id: TENANT.tenantId,
    })),
    // Neither is an imported group of the configured tenant: never listed, never counted.
    { name: 'Finance (former tenant)', source: 'azure_ad', object_id: 'former', tenant_id: 'former-tenant' },
    { name: 'Finance local', source: 'local' },
  ]);
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

const admin = <T extends { set: (name: string, value: string) => T }>(request: T) =>
  request.set('cookie', t.adminCookie);

/** Every page of the listing under this query, with the total each page gave. */
async function everyPage(query: Record<string, string>) {
  const names: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const params: URLSearchParams = new URLSearchParams({
      ...query,
      limit: '2',
      ...(cursor ? { cursor } : {}),
    });
    const page: { body: { items: Array<{ name: string }>; total: number; nextCursor: string | null } } =
      await admin(t.http.get(`/api/imported-groups?${params}`)).expect(200);
    names.push(...page.body.items.map((group) => group.name));
    totals.push(page.body.total);
    cursor = page.body.nextCursor;
  } while (cursor);
  return { names, totals };
}

const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);

describe('the imported groups listing', () => {
  it('sorts by name either way, case-insensitively, paging by cursor, and counts every match', async () => {
    const ascending = [...IMPORTED].sort(byName);
    expect(await everyPage({})).toEqual({ names: ascending, totals: [7, 7, 7, 7] });
    expect(await everyPage({ sort: 'name', order: 'desc' })).toEqual({
      names: [...ascending].reverse(),
      totals: [7, 7, 7, 7],
    });
  });

  it('counts the groups a sync of all matching a search selects, on every page', async () => {
    const matching = ['finance', 'Finance Auditors', 'FINANCE team'];
    expect(await everyPage({ search: 'FINANCE', order: 'desc' })).toEqual({
      names: [...matching].reverse(),
      totals: [3, 3],
    });
    const none = await admin(t.http.get('/api/imported-groups?search=nobody')).expect(200);
    expect(none.body).toEqual({ items: [], total: 0, nextCursor: null });
  });

  it('refuses a sort the listing cannot serve from an index, and an unknown order', async () => {
    for (const query of ['sort=memberCount', 'sort=lastSyncedAt', 'order=sideways']) {
      const refused = await admin(t.http.get(`/api/imported-groups?${query}`)).expect(400);
      expect(refused.body.code).toBe('validation_failed');
    }
  });
});
