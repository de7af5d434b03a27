import { deltaClient } from './delta-client';
import { type SyncTestbed, startSyncTestbed, syncAndWait } from './sync-testbed';

/** Sync policy `accountState`: Azure AD's accountEnabled decides isActive (default `sync`), or not (`ignore`). */
let bed: SyncTestbed;
let ids: string[];
let enabled: number[];
const client = deltaClient(() => bed);
const user = (slot: number) => bed.t.app.db('users').where({ id: ids[slot] }).first();
const upstreamId = (slot: number) => bed.sim.tenant().userId(enabled[slot]);
const setEnabled = (slot: number, accountEnabled: boolean) =>
  bed.sim.tenant().updateUser(upstreamId(slot), { accountEnabled });
const deactivation = { field: 'isActive', before: true, after: false };

beforeAll(async () => {
  bed = await startSyncTestbed();
  // Seeded users Azure AD has enabled, so that every slot starts active.
  enabled = Array.from({ length: 120 }, (_, index) => index)
    .filter((index) => bed.sim.tenant().user(index)?.user.accountEnabled)
    .slice(0, 40);
  ids = await bed.importUsers(enabled.map((index, slot) => ({ index, position: slot + 1 })));
  expect(await client.syncWholeDirectory()).toMatchObject({ status: 'succeeded' });
});
afterAll(() => bed.close());

describe('account state policy: sync (the default of a new installation)', () => {
  it('is the default', async () => {
    const policy = await bed.t.http.get('/api/settings/sync').set('cookie', bed.t.adminCookie).expect(200);
    expect(policy.body.accountState).toBe('sync');
  });

  it('reports a disabled user in a dry run without deactivating it', async () => {
    setEnabled(0, false);
    const run = await syncAndWait(bed, [ids[0]], { dryRun: true });
    expect(run).toMatchObject({ status: 'succeeded', counts: { modified: 1, deleted: 0 } });
    expect(await client.items(run.id)).toEqual([
      expect.objectContaining({
        userId: ids[0],
        outcome: 'modified',
        applied: false,
        changes: [deactivation],
      }),
    ]);
    expect(await user(0)).toMatchObject({ is_active: true, deactivated_by_sync: false });
  });

  it('deactivates a user disabled in Azure AD in a run by id, and reactivates it once enabled', async () => {
    const run = await syncAndWait(bed, [ids[0]]);
    expect(run).toMatchObject({ status: 'succeeded', counts: { modified: 1, deleted: 0 } });
    expect(await client.items(run.id)).toEqual([
      expect.objectContaining({
        userId: ids[0],
        outcome: 'modified',
        applied: true,
        changes: [deactivation],
      }),
    ]);
    expect(await user(0)).toMatchObject({ is_active: false, deactivated_by_sync: true });

    expect(await syncAndWait(bed, [ids[0]])).toMatchObject({ counts: { modified: 0, unchanged: 1 } });

    setEnabled(0, true);
    const back = await syncAndWait(bed, [ids[0]]);
    expect(await client.items(back.id)).toEqual([
      expect.objectContaining({ changes: [{ field: 'isActive', before: false, after: true }] }),
    ]);
    expect(await user(0)).toMatchObject({ is_active: true, deactivated_by_sync: false });
  });

  it('does the same in a whole-directory (delta) run, where the page carries accountEnabled', async () => {
    await client.syncWholeDirectory();
    setEnabled(1, false);
    const run = await client.syncWholeDirectory();
    expect(run).toMatchObject({
      status: 'succeeded',
      selection: { pass: 'incremental' },
      counts: { modified: 1 },
    });
    expect(await client.items(run.id)).toEqual([
      expect.objectContaining({ userId: ids[1], outcome: 'modified', changes: [deactivation] }),
    ]);
    expect(await user(1)).toMatchObject({ is_active: false, deactivated_by_sync: true });

    setEnabled(1, true);
    await client.syncWholeDirectory();
    expect(await user(1)).toMatchObject({ is_active: true, deactivated_by_sync: false });
  });

  it('never reactivates a user an administrator deactivated', async () => {
    await bed.t.app.db('users').where({ id: ids[2] }).update({ is_active: false });
    setEnabled(2, false);
    await syncAndWait(bed, [ids[2]]);
    setEnabled(2, true);
    const run = await syncAndWait(bed, [ids[2]]);
    expect(run).toMatchObject({ counts: { modified: 0, unchanged: 1 } });
    expect(await user(2)).toMatchObject({ is_active: false, deactivated_by_sync: false });
  });

  it('does not hold disabled users to the deletion threshold: they are modified, not deleted', async () => {
    const slots = Array.from({ length: 20 }, (_, index) => index + 10);
    for (const slot of slots) setEnabled(slot, false);
    const run = await syncAndWait(
      bed,
      slots.map((slot) => ids[slot]),
    );
    expect(run).toMatchObject({ status: 'succeeded', counts: { modified: 20, deleted: 0 } });
    expect(await user(10)).toMatchObject({ is_active: false });
  });
});

describe('account state policy: ignore', () => {
  it('leaves a disabled user active, as before the setting', async () => {
    await client.setPolicy({ accountState: 'ignore' });
    // A client that does not know the setting saves the policy without it: the stored choice stays.
    const { accountState: _unknown, ...older } = (
      await bed.t.http.get('/api/settings/sync').set('cookie', bed.t.adminCookie).expect(200)
    ).body;
    const saved = await bed.t.http
      .put('/api/settings/sync')
      .set('cookie', bed.t.adminCookie)
      .send(older)
      .expect(200);
    expect(saved.body.accountState).toBe('ignore');
    setEnabled(3, false);
    const run = await syncAndWait(bed, [ids[3]]);
    expect(run).toMatchObject({ counts: { modified: 0, unchanged: 1 } });
    expect(await user(3)).toMatchObject({ is_active: true });
    await client.setPolicy({ accountState: 'sync' });
  });
});
