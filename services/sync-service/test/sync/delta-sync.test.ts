import { interruptStaleRuns } from '../../src/features/sync/runs/run-repository';
import { insertUser } from '../../src/features/users/repository';
import { deltaClient } from './delta-client';
import { runUntilEnd, type SyncTestbed, startSyncTestbed } from './sync-testbed';

/**
 * Whole-directory sync with the delta query, as a story: each test builds on the state the previous one left
 * (the stored link, the imported users), as successive scheduled runs would.
 */
let bed: SyncTestbed;
let ids: string[];
const client = deltaClient(() => bed);
const user = (index: number) => bed.t.app.db('users').where({ id: ids[index] }).first();
const upstreamId = (index: number) => bed.sim.tenant().userId(index);
const longAgo = new Date('2020-01-01T00:00:00Z');
/** Each imported user's lastSyncedAt, in the order of `ids` (undefined: the user was deleted). */
const stamps = async (): Promise<Array<Date | undefined>> => {
  const rows = await bed.t.app.db('user_sync_stamps').whereIn('user_id', ids).select('user_id', 'synced_at');
  const byUser = new Map(rows.map((row) => [row.user_id, new Date(row.synced_at)]));
  return ids.map((id) => byUser.get(id));
};
const stampAllLongAgo = () =>
  bed.t.app.db('user_sync_stamps').whereIn('user_id', ids).update({ synced_at: longAgo });

beforeAll(async () => {
  bed = await startSyncTestbed();
  ids = await bed.importUsers(Array.from({ length: 20 }, (_, index) => ({ index, position: index + 1 })));
});
afterAll(() => bed.close());
afterEach(() => bed.sim.clearFaults());

describe('whole-directory sync', () => {
  it('first reads the whole directory, judges only imported users, and stores the link', async () => {
    const tenant = bed.sim.tenant();
    await bed.t.app.db('users').where({ id: ids[0] }).update({ last_name: 'Stale' });
    await insertUser(bed.t.app.db, {
      username: 'holder.local',
      firstName: 'Local',
      lastName: 'Holder',
      email: 'holder@local.example',
      contactNumber: null,
      isActive: true,
      source: 'local',
    });
    tenant.updateUser(upstreamId(1), { mail: 'HOLDER@local.example' });
    const usersBefore = await bed.t.app.db('users').count<{ count: string }[]>({ count: '*' });
    await stampAllLongAgo();

    const run = await client.syncWholeDirectory();

    expect(run).toMatchObject({
      status: 'succeeded',
      selection: { kind: 'wholeDirectory', count: 20, fullPass: false, pass: 'full' },
      counts: { modified: 1, duplicated: 1, unchanged: 18, deleted: 0, failed: 0 },
      progress: { processed: 20, total: 20 },
      trigger: 'manual',
    });
    expect((await user(0)).last_name).toBe(bed.upstreamProfile(0).lastName);
    expect((await user(1)).email).not.toBe('HOLDER@local.example');
    // The 280 directory users that were never imported stay out of the reporting server.
    expect(await bed.t.app.db('users').count<{ count: string }[]>({ count: '*' })).toEqual(usersBefore);
    expect(await client.storedLink()).toMatch(/deltatoken/);
    // The round's rows, one a user it met, go with the run's end.
    expect(await bed.t.app.db('sync_run_directory_users').where({ run_id: run.id })).toEqual([]);
    // Stamped by the run's end: the modified user and the 18 found unchanged (stamped beside the pages that
    // judged them), not the one refused as a duplicate.
    const startedAt = new Date(run.startedAt).getTime();
    const after = await stamps();
    expect(after.map((at) => (at?.getTime() ?? 0) >= startedAt)).toEqual(ids.map((_, index) => index !== 1));
    expect(after[1]).toEqual(longAgo);
  });

  it('then reads only the changes: modified, soft- and hard-deleted, and ignores non-imported users', async () => {
    const tenant = bed.sim.tenant();
    const linkBefore = await client.storedLink();
    tenant.updateUser(upstreamId(2), { givenName: 'Changed' });
    tenant.softDeleteUser(upstreamId(3));
    tenant.hardDeleteUser(upstreamId(4));
    tenant.updateUser(upstreamId(250), { givenName: 'NeverImported' });

    const run = await client.syncWholeDirectory();

    expect(run).toMatchObject({
      status: 'succeeded',
      selection: { pass: 'incremental', count: 20 },
      counts: { modified: 1, deleted: 2, duplicated: 0, unchanged: 0, failed: 0 },
      progress: { processed: 3, total: 3 },
    });
    const items = await client.items(run.id);
    expect(items.map((item) => [item.userId, item.outcome, item.action]).sort()).toEqual(
      [
        [ids[2], 'modified', null],
        [ids[3], 'deleted', 'deleted'],
        [ids[4], 'deleted', 'deleted'],
      ].sort(),
    );
    expect((await user(2)).first_name).toBe('Changed');
    expect(await user(3)).toBeUndefined();
    expect(await user(4)).toBeUndefined();
    expect(await bed.t.app.db('users').where({ first_name: 'NeverImported' }).first()).toBeUndefined();
    expect(await client.storedLink()).not.toBe(linkBefore);
  });

  it('reads the whole directory again when the stored link expired, deleting users absent from it', async () => {
    const tenant = bed.sim.tenant();
    tenant.hardDeleteUser(upstreamId(13));
    tenant.expireDeltaTokens();

    const run = await client.syncWholeDirectory();

    expect(run).toMatchObject({
      status: 'succeeded',
      selection: { pass: 'full', count: 18 },
      counts: { deleted: 1, modified: 0, failed: 0 },
      progress: { processed: 18, total: 18 },
    });
    expect(await user(13)).toBeUndefined();
  });

  it('deletes nothing when Graph fails to confirm, and keeps the link so the next run retries', async () => {
    const tenant = bed.sim.tenant();
    tenant.softDeleteUser(upstreamId(5));
    bed.sim.addFault({ route: 'users.get', kind: 'status', status: 503 });
    bed.sim.addFault({ route: 'users.list', kind: 'status', status: 500 });
    const linkBefore = await client.storedLink();

    const stormed = await client.syncWholeDirectory();

    expect(stormed).toMatchObject({
      status: 'failed',
      counts: { deleted: 0, failed: 1 },
      mainFailure: { count: 1 },
    });
    expect(await user(5)).toBeDefined();
    expect(await client.storedLink()).toBe(linkBefore);

    bed.sim.clearFaults();
    const retried = await client.syncWholeDirectory();
    expect(retried).toMatchObject({ status: 'succeeded', counts: { deleted: 1, failed: 0 } });
    expect(await user(5)).toBeUndefined();
  });

  it('holds deletions back over the threshold and stores no link until confirmed', async () => {
    const tenant = bed.sim.tenant();
    await client.setPolicy({ deletionThresholdPercent: 10, deletionThresholdMinCount: 1 });
    for (const index of [6, 7, 8]) tenant.hardDeleteUser(upstreamId(index));
    const linkBefore = await client.storedLink();

    const blocked = await client.syncWholeDirectory();

    expect(blocked).toMatchObject({
      status: 'blocked',
      counts: { deleted: 0 },
      blocked: { wouldDelete: 3, selected: 16 },
    });
    expect(await user(6)).toBeDefined();
    expect(await client.storedLink()).toBe(linkBefore);

    const confirm = await bed.t.http
      .post(`/api/sync/runs/${blocked.id}/confirm`)
      .set('cookie', bed.t.adminCookie)
      .expect(202);
    const run = await runUntilEnd(bed, confirm.body.id);
    expect(run).toMatchObject({ status: 'succeeded', counts: { deleted: 3 } });
    expect(await user(6)).toBeUndefined();
    expect(await client.storedLink()).not.toBe(linkBefore);
    await client.setPolicy({ deletionThresholdPercent: 20, deletionThresholdMinCount: 10 });
  });

  it('stores no link on a dry run and changes nothing', async () => {
    const tenant = bed.sim.tenant();
    tenant.updateUser(upstreamId(9), { surname: 'Dry' });
    const linkBefore = await client.storedLink();
    await stampAllLongAgo();

    const dry = await client.syncWholeDirectory({ dryRun: true, fullPass: true });

    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true, counts: { modified: 1 } });
    // A dry run stamps nobody, not even the users its full pass found unchanged.
    expect(dry.counts.unchanged).toBeGreaterThan(0);
    const kept = (await stamps()).filter((at) => at !== undefined);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept).toEqual(kept.map(() => longAgo));
    expect((await user(9)).last_name).not.toBe('Dry');
    expect(await client.storedLink()).toBe(linkBefore);

    const real = await client.syncWholeDirectory();
    expect(real).toMatchObject({ counts: { modified: 1 } });
    expect((await user(9)).last_name).toBe('Dry');
  });

  it('drops the staging of a run found interrupted: staging has no foreign key to cascade from its run', async () => {
    const db = bed.t.app.db;
    const [stale] = await db('sync_runs')
      .insert({
        status: 'running',
        selection: JSON.stringify({ kind: 'wholeDirectory' }),
        requested_by: JSON.stringify({ kind: 'test' }),
        heartbeat_at: db.raw("now() - interval '1 hour'"),
      })
      .returning('id');
    await db('sync_run_directory_users').insert(
      ids.slice(0, 3).map((userId) => ({ run_id: stale.id, user_id: userId, state: 'decided' })),
    );
    // The service's own sweep may find it first; either way the run ends interrupted with no staging left.
    await interruptStaleRuns(db, 60);
    expect((await db('sync_runs').where({ id: stale.id }).first()).status).toBe('interrupted');
    expect(await db('sync_run_directory_users').where({ run_id: stale.id })).toEqual([]);
  });
});
