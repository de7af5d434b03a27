import { deltaClient } from './delta-client';
import { type SyncTestbed, startSyncTestbed } from './sync-testbed';

/** Policy `upstreamDeletion: deactivate` with whole-directory runs: deactivation, reactivation, and admins. */
let bed: SyncTestbed;
let ids: string[];
const client = deltaClient(() => bed);
const user = (index: number) => bed.t.app.db('users').where({ id: ids[index] }).first();
const upstreamId = (index: number) => bed.sim.tenant().userId(index);

beforeAll(async () => {
  bed = await startSyncTestbed();
  ids = await bed.importUsers(Array.from({ length: 6 }, (_, index) => ({ index, position: index + 1 })));
  await client.setPolicy({ upstreamDeletion: 'deactivate' });
  expect(await client.syncWholeDirectory()).toMatchObject({
    status: 'succeeded',
    selection: { pass: 'full' },
  });
});
afterAll(() => bed.close());

describe('upstream deletion policy: deactivate', () => {
  it('keeps a user deleted upstream, inactive, and reactivates it when Azure AD restores it', async () => {
    const tenant = bed.sim.tenant();
    tenant.softDeleteUser(upstreamId(0));

    const gone = await client.syncWholeDirectory();

    expect(gone).toMatchObject({ status: 'succeeded', counts: { deleted: 1 } });
    expect(await client.items(gone.id)).toEqual([
      expect.objectContaining({ userId: ids[0], outcome: 'deleted', action: 'deactivated', applied: true }),
    ]);
    expect(await user(0)).toMatchObject({ is_active: false, deactivated_by_sync: true });

    // Still gone on a full pass: already handled, not reported (nor held to the threshold) again.
    const again = await client.syncWholeDirectory({ fullPass: true });
    expect(again).toMatchObject({ counts: { deleted: 0, unchanged: 6 } });

    tenant.restoreUser(upstreamId(0));
    const back = await client.syncWholeDirectory();

    expect(back).toMatchObject({ status: 'succeeded', counts: { modified: 1, deleted: 0 } });
    expect(await client.items(back.id)).toEqual([
      expect.objectContaining({
        userId: ids[0],
        outcome: 'modified',
        changes: [{ field: 'isActive', before: false, after: true }],
      }),
    ]);
    expect(await user(0)).toMatchObject({ is_active: true, deactivated_by_sync: false });
  });

  it('never reactivates a user an administrator deactivated', async () => {
    const tenant = bed.sim.tenant();
    // Deactivated by sync, then re-activated and deactivated again by an administrator: the admin's now.
    tenant.softDeleteUser(upstreamId(2));
    await client.syncWholeDirectory();
    expect(await user(2)).toMatchObject({ is_active: false, deactivated_by_sync: true });
    await bed.t.app.db('users').where({ id: ids[2] }).update({ is_active: true });
    await bed.t.app.db('users').where({ id: ids[2] }).update({ is_active: false });
    tenant.restoreUser(upstreamId(2));
    await bed.t.app.db('users').where({ id: ids[1] }).update({ is_active: false });
    tenant.updateUser(upstreamId(1), { givenName: 'StillOff' });

    const run = await client.syncWholeDirectory();

    const items = await client.items(run.id);
    expect(items.find((item) => item.userId === ids[1])?.changes).toEqual([
      { field: 'firstName', before: expect.any(String), after: 'StillOff' },
    ]);
    expect(items.find((item) => item.userId === ids[2])).toBeUndefined();
    expect(await user(1)).toMatchObject({ is_active: false, first_name: 'StillOff' });
    expect(await user(2)).toMatchObject({ is_active: false, deactivated_by_sync: false });
  });
});
