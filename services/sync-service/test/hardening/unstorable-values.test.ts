import { deltaClient } from '../sync/delta-client';
import { type SyncTestbed, startSyncTestbed } from '../sync/sync-testbed';
import { hostileFragments } from './hostile-values';

/**
 * Directory values the database cannot store (NUL, lone UTF-16 surrogates, absurd lengths) are checked where
 * Graph data enters: the user holding one fails with a reason naming the attribute and the character, and
 * every other user of the import or the run is decided as usual. The rest of the hostile fragments are stored
 * as the mapping makes them.
 */
const unstorable: Array<{ value: string; reason: RegExp }> = [
  ...hostileFragments
    .filter((fragment) => fragment.includes('\u0000'))
    .map((value) => ({ value, reason: /contains a NUL character \(U\+0000\)/ })),
  { value: '\uD800', reason: /contains a lone UTF-16 surrogate \(U\+D800\)/ },
  { value: '\uDFFF', reason: /contains a lone UTF-16 surrogate \(U\+DFFF\)/ },
  { value: 'x\uDC00y', reason: /contains a lone UTF-16 surrogate \(U\+DC00\)/ },
  { value: 'x'.repeat(5000), reason: /is \d+ bytes long \(at most 1024 are stored\)/ },
];
const storable = hostileFragments.filter((fragment) => !unstorable.some(({ value }) => value === fragment));
const attributes = [
  'mail',
  'givenName',
  'surname',
  'displayName',
  'mobilePhone',
  'userPrincipalName',
] as const;

/** Seeded users #0..: the unstorable cases first, then one user per storable fragment, then healthy users. */
const cases = unstorable.map((entry, index) => ({
  ...entry,
  index,
  attribute: attributes[index % attributes.length],
}));
const storableCases = storable.map((value, offset) => ({ value, index: unstorable.length + offset }));
const healthy = Array.from({ length: 5 }, (_, offset) => unstorable.length + storable.length + offset);
const userCount = unstorable.length + storable.length + healthy.length;

let bed: SyncTestbed;
const client = deltaClient(() => bed);
const admin = () => bed.t.adminCookie;
const objectId = (index: number) => bed.sim.tenant().userId(index);

function spoilUpstream(): void {
  const tenant = bed.sim.tenant();
  for (const { index, attribute, value } of cases) {
    const spoiled = attribute === 'userPrincipalName' ? `${value}@northwind.example` : value;
    tenant.updateUser(objectId(index), { [attribute]: spoiled });
  }
  for (const { index, value } of storableCases) tenant.updateUser(objectId(index), { givenName: value });
}

async function itemsOf(runId: string) {
  const response = await bed.t.http
    .get(`/api/sync/runs/${runId}/items`)
    .query({ limit: 500 })
    .set('cookie', admin())
    .expect(200);
  return response.body.items as Array<{
    userId: string;
    outcome: string;
    failure: { message: string } | null;
  }>;
}

function expectRefusedWithReasons(failures: Map<number, string | undefined>) {
  for (const { index, attribute, reason } of cases) {
    const message = failures.get(index);
    expect(message).toMatch(new RegExp(`^Azure AD attribute ${attribute} ${reason.source}`));
  }
}

beforeAll(async () => {
  bed = await startSyncTestbed({}, userCount + 10);
});
afterAll(() => bed.close());

describe('directory values the database cannot store', () => {
  it('import answers per user: the unstorable ones fail with the reason, the others are imported', async () => {
    spoilUpstream();
    const everyone = [
      ...cases.map((entry) => entry.index),
      ...storableCases.map((entry) => entry.index),
      ...healthy,
    ];
    const response = await bed.t.http
      .post('/api/imported-users')
      .set('cookie', admin())
      .send({ objectIds: everyone.map(objectId) })
      .expect(200);
    expect(response.body.counts).toEqual({
      imported: storableCases.length + healthy.length,
      already_imported: 0,
      duplicate: 0,
      not_found: 0,
      failed: cases.length,
    });
    const results = new Map<string, { outcome: string; reason?: string; user?: { firstName: string } }>(
      response.body.results.map((item: { objectId: string }) => [item.objectId, item]),
    );
    expectRefusedWithReasons(
      new Map(cases.map(({ index }) => [index, results.get(objectId(index))?.reason])),
    );
    for (const { index, value } of storableCases) {
      // The mapping trims (a BOM and line breaks included).
      expect(results.get(objectId(index))?.user?.firstName).toBe(value.trim());
    }
  });

  /**
   * The run went through every user: the unstorable ones failed, not the run at their chunk. Its status
   * follows the share of failed users (partial, or failed beyond half), and its error counts them with the
   * main reason, which is the unstorable value, not a database error.
   */
  function expectDecidedEveryUser(run: {
    status: string;
    error: string | null;
    progress: { processed: number };
    mainFailure: { code: string; count: number } | null;
  }) {
    const users = cases.length + healthy.length;
    expect(run.progress.processed).toBe(users);
    expect(run.status).toBe(cases.length * 2 > users ? 'failed' : 'partial');
    expect(run.error).toMatch(new RegExp(`^${cases.length} of ${users} users could not be synchronized`));
    expect(run.mainFailure).toMatchObject({ code: 'invalid_value', count: cases.length });
  }

  describe('in sync runs, after the users were imported with clean values', () => {
    let importedIds: Map<number, string>;
    beforeAll(async () => {
      const tenant = bed.sim.tenant();
      tenant.reset();
      await bed.t.app.db('users').where({ source: 'azure_ad' }).delete();
      const entries = cases.map(({ index }) => ({ index, position: index + 1 }));
      const ids = await bed.importUsers([
        ...entries,
        ...healthy.map((index) => ({ index, position: index + 1 })),
      ]);
      importedIds = new Map(entries.map(({ index }, at) => [index, ids[at]]));
      spoilUpstream();
      for (const index of healthy) tenant.updateUser(objectId(index), { surname: 'Renamed' });
    });

    it('a sync by id fails those users with the reason and decides the others', async () => {
      const allUsers = await bed.t.app.db('users').where({ source: 'azure_ad' }).select('id');
      const response = await bed.t.http
        .post('/api/sync')
        .set('cookie', admin())
        .set('prefer', 'wait=30')
        .send({ selection: { userIds: allUsers.map((row) => row.id) } })
        .expect(200);
      const run = response.body;
      expectDecidedEveryUser(run);
      expect(run.counts).toMatchObject({ failed: cases.length, modified: healthy.length });
      const items = await itemsOf(run.id);
      const byUser = new Map(items.map((item) => [item.userId, item]));
      expectRefusedWithReasons(
        new Map(cases.map(({ index }) => [index, byUser.get(importedIds.get(index)!)?.failure?.message])),
      );
    });

    it('a whole-directory run fails those users with the reason and decides the others', async () => {
      for (const index of healthy) bed.sim.tenant().updateUser(objectId(index), { surname: 'Renamed again' });
      const run = await client.syncWholeDirectory({ fullPass: true });
      expectDecidedEveryUser(run);
      expect(run.counts).toMatchObject({ failed: cases.length, modified: healthy.length });
      const items = await itemsOf(run.id);
      const failureOf = new Map(items.map((item) => [item.userId, item.failure?.message]));
      expectRefusedWithReasons(
        new Map(cases.map(({ index }) => [index, failureOf.get(importedIds.get(index)!)])),
      );
    });
  });
});
