import { insertUser } from '../../src/features/users/repository';
import { type SyncTestbed, startSyncTestbed, syncAndWait, userIdAt } from './sync-testbed';

let bed: SyncTestbed;
beforeAll(async () => {
  bed = await startSyncTestbed();
});
afterAll(() => bed.close());
afterEach(() => bed.sim.clearFaults());

const admin = () => bed.t.adminCookie;

async function items(runId: string, outcome?: string) {
  const response = await bed.t.http
    .get(`/api/sync/runs/${runId}/items`)
    .query({ limit: 500, ...(outcome ? { outcome } : {}) })
    .set('cookie', admin())
    .expect(200);
  return response.body.items as SyncRunItemBody[];
}

interface SyncRunItemBody {
  userId: string;
  outcome: string;
  applied: boolean;
  changes: Array<{ field: string; before: string | null; after: string | null }>;
  duplicateOf: Record<string, string> | null;
}

const userRow = (id: string) => bed.t.app.db('users').where({ id }).first();

describe('a sync run', () => {
  it('reports every outcome and changes only what it should', async () => {
    const tenant = bed.sim.tenant();
    const ids = await bed.importUsers([0, 1, 2, 3, 4].map((index) => ({ index, position: index + 1 })));
    const local = await insertUser(bed.t.app.db, {
      username: 'taken.local',
      firstName: 'Local',
      lastName: 'Owner',
      email: 'taken@local.example',
      contactNumber: null,
      isActive: true,
      source: 'local',
    });
    const before = await userRow(ids[3]);
    // Seeded people may have no phone at all: the expected "before" is whatever was imported.
    const importedContact = bed.upstreamProfile(0).contactNumber;
    tenant.updateUser(tenant.userId(0), {
      givenName: 'Renamed',
      surname: 'Person',
      mobilePhone: '+1 555 0100',
    });
    tenant.hardDeleteUser(tenant.userId(2));
    tenant.updateUser(tenant.userId(3), { mail: 'TAKEN@local.example', givenName: 'NotApplied' });
    // Gone upstream, but Graph fails to confirm the 404: a failure, never a deletion.
    tenant.hardDeleteUser(tenant.userId(4));
    bed.sim.addFault({ route: 'users.get', kind: 'status', status: 500, match: tenant.userId(4) });

    const run = await syncAndWait(bed, ids);

    // One user could not be decided: the run is not a plain success, and says why.
    expect(run).toMatchObject({
      status: 'partial',
      counts: { modified: 1, deleted: 1, duplicated: 1, unchanged: 1, failed: 1 },
      progress: { processed: 5, total: 5 },
      selection: { kind: 'userIds', count: 5, requested: 5, search: null },
      blocked: null,
      mainFailure: { code: 'server_error', message: expect.any(String), count: 1 },
    });
    expect(run.error).toBe(
      `1 of 5 users could not be synchronized; the run's items name each one. Most often (1 user, ${run.mainFailure.code}): ${run.mainFailure.message}`,
    );
    const modified = await items(run.id, 'modified');
    expect(modified).toHaveLength(1);
    expect(modified[0]).toMatchObject({ userId: ids[0], applied: true });
    expect(modified[0].changes).toEqual([
      { field: 'firstName', before: expect.any(String), after: 'Renamed' },
      { field: 'lastName', before: expect.any(String), after: 'Person' },
      { field: 'contactNumber', before: importedContact, after: '+1 555 0100' },
    ]);
    expect(await userRow(ids[0])).toMatchObject({
      first_name: 'Renamed',
      last_name: 'Person',
      contact_number: '+1 555 0100',
    });

    const [deleted] = await items(run.id, 'deleted');
    expect(deleted).toMatchObject({
      userId: ids[2],
      applied: true,
      lastState: { id: ids[2], source: 'azure_ad' },
    });
    expect(await userRow(ids[2])).toBeUndefined();

    const [duplicated] = await items(run.id, 'duplicated');
    expect(duplicated).toMatchObject({
      userId: ids[3],
      duplicateOf: {
        userId: local.id,
        username: 'taken.local',
        email: 'taken@local.example',
        field: 'email',
      },
    });
    expect(await userRow(ids[3])).toMatchObject({ first_name: before.first_name, email: before.email });

    const [failed] = await items(run.id, 'failed');
    expect(failed).toMatchObject({ userId: ids[4], failure: { code: 'server_error' } });
    expect(await userRow(ids[4])).toBeDefined();

    expect(await items(run.id, 'unchanged')).toEqual([]);
    expect(await items(run.id)).toHaveLength(4);
  });

  it('lets two users of one chunk swap emails', async () => {
    const tenant = bed.sim.tenant();
    const ids = await bed.importUsers([
      { index: 10, position: 20 },
      { index: 11, position: 21 },
    ]);
    const [first, second] = [bed.upstreamProfile(10), bed.upstreamProfile(11)];
    tenant.updateUser(tenant.userId(10), { mail: second.email });
    tenant.updateUser(tenant.userId(11), { mail: first.email });

    const run = await syncAndWait(bed, ids);

    expect(run.counts).toMatchObject({ modified: 2, duplicated: 0 });
    expect((await userRow(ids[0])).email).toBe(second.email);
    expect((await userRow(ids[1])).email).toBe(first.email);
  });

  it('lets two users of different chunks swap emails: the collision is retried once the run has read everyone', async () => {
    const tenant = bed.sim.tenant();
    const entries = Array.from({ length: 9 }, (_, offset) => ({ index: 12 + offset, position: 30 + offset }));
    const ids = await bed.importUsers(entries);
    const [first, last] = [bed.upstreamProfile(12), bed.upstreamProfile(20)];
    tenant.updateUser(tenant.userId(12), { mail: last.email });
    tenant.updateUser(tenant.userId(20), { mail: first.email });

    const run = await syncAndWait(bed, ids);

    expect(run.counts).toEqual({ modified: 2, deleted: 0, duplicated: 0, unchanged: 7, failed: 0 });
    expect((await userRow(ids[0])).email).toBe(last.email);
    expect((await userRow(ids[8])).email).toBe(first.email);
  });

  it('reports in a dry run what the real run then does, when emails move across chunks and off deleted users', async () => {
    const tenant = bed.sim.tenant();
    // Chunks of 7: ids[0..6] are read first, ids[7..13] second.
    const entries = Array.from({ length: 14 }, (_, offset) => ({
      index: 70 + offset,
      position: 200 + offset,
    }));
    const ids = await bed.importUsers(entries);
    const email = (offset: number) => bed.upstreamProfile(70 + offset).email;
    const mail = (offset: number, value: string) =>
      tenant.updateUser(tenant.userId(70 + offset), { mail: value });
    // A chain read forwards: ids[0] takes the email that ids[7], read later, gives up.
    const [of1, of7, of9] = [email(1), email(7), email(9)];
    mail(0, of7);
    mail(7, 'chain.forward@contoso.example');
    // A chain read backwards: ids[8] takes the email that ids[1], read earlier, gave up.
    mail(1, 'chain.backward@contoso.example');
    mail(8, of1);
    // ids[9] is gone from Azure AD; ids[2] takes its email.
    tenant.hardDeleteUser(tenant.userId(79));
    mail(2, of9);
    // ids[3], then ids[10], take the same new email: the first one keeps it.
    mail(3, 'shared.new@contoso.example');
    mail(10, 'shared.new@contoso.example');
    const outcomes = async (runId: string) =>
      Object.fromEntries(
        (await items(runId)).map((item) => [item.userId, [item.outcome, item.duplicateOf?.userId ?? null]]),
      );

    const dry = await syncAndWait(bed, ids, { dryRun: true });
    const real = await syncAndWait(bed, ids);

    expect(real.counts).toEqual({ modified: 6, deleted: 1, duplicated: 1, unchanged: 6, failed: 0 });
    expect(await outcomes(real.id)).toEqual({
      [ids[0]]: ['modified', null],
      [ids[7]]: ['modified', null],
      [ids[1]]: ['modified', null],
      [ids[8]]: ['modified', null],
      [ids[2]]: ['modified', null],
      [ids[9]]: ['deleted', null],
      [ids[3]]: ['modified', null],
      [ids[10]]: ['duplicated', ids[3]],
    });
    expect((await userRow(ids[0])).email).toBe(of7);
    expect((await userRow(ids[8])).email).toBe(of1);
    expect((await userRow(ids[2])).email).toBe(of9);
    expect(dry.counts).toEqual(real.counts);
    expect(await outcomes(dry.id)).toEqual(await outcomes(real.id));
    // What the dry run would have moved lives only as long as the run.
    expect(await bed.t.app.db('sync_run_planned_keys').where({ run_id: dry.id })).toEqual([]);
  });

  it('refuses a new username that a local user holds, and changes nothing of that user', async () => {
    const tenant = bed.sim.tenant();
    const [id] = await bed.importUsers([{ index: 25, position: 50 }]);
    const local = await insertUser(bed.t.app.db, {
      username: 'Boss@Local.example',
      firstName: 'The',
      lastName: 'Boss',
      email: 'boss.mail@local.example',
      contactNumber: null,
      isActive: true,
      source: 'local',
    });
    const before = await userRow(id);
    tenant.updateUser(tenant.userId(25), { userPrincipalName: 'boss@local.example', surname: 'Changed' });

    const run = await syncAndWait(bed, [id]);

    expect(run.counts).toMatchObject({ duplicated: 1, modified: 0 });
    const [item] = await items(run.id, 'duplicated');
    expect(item.duplicateOf).toEqual({
      userId: local.id,
      username: 'Boss@Local.example',
      email: 'boss.mail@local.example',
      field: 'username',
    });
    expect(item.changes).toEqual(
      expect.arrayContaining([{ field: 'lastName', before: before.last_name, after: 'Changed' }]),
    );
    expect(await userRow(id)).toEqual(before);
  });

  it('deletes nothing when Graph fails for everyone (a 5xx storm)', async () => {
    const tenant = bed.sim.tenant();
    const entries = Array.from({ length: 10 }, (_, offset) => ({
      index: 30 + offset,
      position: 60 + offset,
    }));
    const ids = await bed.importUsers(entries);
    for (const index of [30, 31, 32]) tenant.hardDeleteUser(tenant.userId(index));
    bed.sim.setFaults([{ route: 'batch', kind: 'status', status: 500 }]);

    const run = await syncAndWait(bed, ids);

    // Nobody could be read: the run failed, with the reason counted.
    expect(run).toMatchObject({
      status: 'failed',
      counts: { failed: 10, deleted: 0, modified: 0 },
      mainFailure: { count: 10 },
    });
    expect(run.error).toMatch(/^10 of 10 users could not be synchronized/);
    const remaining = await bed.t.app.db('users').whereIn('id', ids).count({ count: '*' }).first();
    expect(Number(remaining?.count)).toBe(10);
  });

  it('ends failed with the reason, and no per-user items, when Azure AD refuses the application', async () => {
    const ids = await bed.importUsers([{ index: 45, position: 80 }]);
    bed.sim.tenant().configure({ consented: false });
    try {
      const run = await syncAndWait(bed, ids);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/missing_permission|unauthorized/);
      expect(await items(run.id)).toEqual([]);
      expect(await userRow(ids[0])).toBeDefined();
    } finally {
      bed.sim.tenant().configure({ consented: true });
    }
  });

  it('changes nothing in a dry run, yet reports every outcome', async () => {
    const tenant = bed.sim.tenant();
    const ids = await bed.importUsers([
      { index: 50, position: 90 },
      { index: 51, position: 91 },
    ]);
    tenant.updateUser(tenant.userId(50), { surname: 'Dry' });
    tenant.hardDeleteUser(tenant.userId(51));
    const before = await bed.t.app.db('users').whereIn('id', ids).orderBy('id');

    const run = await syncAndWait(bed, ids, { dryRun: true });

    expect(run).toMatchObject({ status: 'succeeded', dryRun: true, counts: { modified: 1, deleted: 1 } });
    const reported = await items(run.id);
    expect(reported.map((item) => [item.outcome, item.applied])).toEqual(
      expect.arrayContaining([
        ['modified', false],
        ['deleted', false],
      ]),
    );
    expect(await bed.t.app.db('users').whereIn('id', ids).orderBy('id')).toEqual(before);
  });

  it('leaves out selected ids that are not imported users of the configured tenant', async () => {
    const [id] = await bed.importUsers([{ index: 55, position: 95 }]);
    const run = await syncAndWait(bed, [id, userIdAt(9999), '7d1f7a52-2f7c-4b38-9d55-1a2b3c4d5e6f']);
    expect(run.selection).toEqual({
      kind: 'userIds',
      count: 1,
      requested: 3,
      search: null,
      fullPass: null,
      pass: null,
      fromRun: null,
    });
    expect(run.progress).toEqual({ processed: 1, total: 1 });
  });

  it('keeps items of unchanged users when the policy says so', async () => {
    await bed.t.http
      .put('/api/settings/sync')
      .set('cookie', admin())
      .send({
        deletionThresholdPercent: 20,
        deletionThresholdMinCount: 10,
        keepUnchangedItems: true,
        retainRuns: 200,
      })
      .expect(200);
    const [id] = await bed.importUsers([{ index: 56, position: 96 }]);
    const run = await syncAndWait(bed, [id]);
    expect(await items(run.id, 'unchanged')).toEqual([
      expect.objectContaining({ userId: id, applied: true }),
    ]);
    await bed.t.http.put('/api/settings/sync').set('cookie', admin()).send({
      deletionThresholdPercent: 20,
      deletionThresholdMinCount: 10,
      keepUnchangedItems: false,
      retainRuns: 200,
    });
  });

  it('stamps lastSyncedAt of the users it modified or found unchanged, and no other', async () => {
    const tenant = bed.sim.tenant();
    const ids = await bed.importUsers([60, 61, 62].map((index) => ({ index, position: index + 40 })));
    await insertUser(bed.t.app.db, {
      username: 'stamp.local',
      firstName: 'Stamp',
      lastName: 'Local',
      email: 'stamp.taken@local.example',
      contactNumber: null,
      isActive: true,
      source: 'local',
    });
    const longAgo = new Date('2020-01-01T00:00:00Z');
    await bed.t.app.db('user_sync_stamps').whereIn('user_id', ids).update({ synced_at: longAgo });
    tenant.updateUser(tenant.userId(60), { surname: 'Stamped' });
    tenant.updateUser(tenant.userId(62), { mail: 'stamp.taken@local.example' });
    const lastSyncedAt = async () => {
      const listed = await bed.t.http
        .get('/api/imported-users')
        .query({ sort: 'lastSyncedAt', order: 'desc', limit: 500 })
        .set('cookie', admin())
        .expect(200);
      const users: Array<{ id: string; lastSyncedAt: string }> = listed.body.items;
      return {
        order: users.map((user) => user.id),
        of: (id: string) => users.find((user) => user.id === id)!.lastSyncedAt,
      };
    };

    await syncAndWait(bed, ids, { dryRun: true });
    expect(ids.map((await lastSyncedAt()).of)).toEqual(ids.map(() => longAgo.toISOString()));

    const run = await syncAndWait(bed, ids);

    expect(run.counts).toMatchObject({ modified: 1, unchanged: 1, duplicated: 1 });
    const after = await lastSyncedAt();
    for (const id of [ids[0], ids[1]]) {
      expect(new Date(after.of(id)).getTime()).toBeGreaterThanOrEqual(new Date(run.startedAt).getTime());
    }
    expect(after.of(ids[2])).toBe(longAgo.toISOString());
    // Newest first: the two users this run stamped lead, the one it did not stamp comes last of all.
    expect(after.order.slice(0, 2).sort()).toEqual([ids[0], ids[1]].sort());
    expect(after.order.at(-1)).toBe(ids[2]);
  });
});
