import { profileColumns, profileOf } from '../../src/features/users/user';
import { deltaClient } from './delta-client';
import { type SyncTestbed, startSyncTestbed } from './sync-testbed';

/**
 * Graph may represent an updated user in a delta round by its id and only the properties that changed. Such
 * an entry says "read me": judging it as it stands would blank every property it leaves out.
 */
let bed: SyncTestbed;
let ids: string[];
const client = deltaClient(() => bed);
const upstreamId = (index: number) => bed.sim.tenant().userId(index);
const stored = async (index: number) => {
  const row = await bed.t.app.db('users').where({ id: ids[index] }).first();
  return row && profileColumns(profileOf(row));
};

beforeAll(async () => {
  bed = await startSyncTestbed();
  ids = await bed.importUsers(Array.from({ length: 6 }, (_, index) => ({ index, position: index + 1 })));
  expect(await client.syncWholeDirectory()).toMatchObject({ status: 'succeeded' });
  bed.sim.tenant().configure({ partialDeltaUpdates: true });
});
afterAll(() => bed.close());
afterEach(() => bed.sim.clearFaults());

describe('delta updates that carry only what changed', () => {
  it('reads such users by id and judges them whole', async () => {
    const tenant = bed.sim.tenant();
    tenant.updateUser(upstreamId(0), { surname: 'Partial' });
    tenant.updateUser(upstreamId(1), { mobilePhone: '+1 555 0199', businessPhones: [] });
    tenant.updateUser(upstreamId(2), { jobTitle: 'Not synchronized' });
    tenant.softDeleteUser(upstreamId(3));

    const run = await client.syncWholeDirectory();

    expect(run).toMatchObject({
      status: 'succeeded',
      counts: { modified: 2, unchanged: 1, deleted: 1, failed: 0 },
    });
    const items = await client.items(run.id);
    expect(items.find((item) => item.userId === ids[0])?.changes).toEqual([
      expect.objectContaining({ field: 'lastName', after: 'Partial' }),
    ]);
    expect(items.find((item) => item.userId === ids[1])?.changes).toEqual([
      expect.objectContaining({ field: 'contactNumber', after: '+1 555 0199' }),
    ]);
    for (const index of [0, 1, 2]) {
      expect(await stored(index)).toEqual(profileColumns(bed.upstreamProfile(index)));
    }
    expect(await stored(3)).toBeUndefined();
  });

  it('counts a user it could not read by id as failed, deletes nothing, and asks again next time', async () => {
    const tenant = bed.sim.tenant();
    tenant.updateUser(upstreamId(4), { surname: 'Unread' });
    const before = await stored(4);
    bed.sim.setFaults([{ route: 'users.list', kind: 'status', status: 503, match: upstreamId(4) }]);

    const failed = await client.syncWholeDirectory();

    // The one change of this incremental pass failed: the run did not do its work.
    expect(failed).toMatchObject({
      status: 'failed',
      counts: { failed: 1, deleted: 0, modified: 0 },
      mainFailure: { count: 1 },
    });
    expect(await stored(4)).toEqual(before);

    bed.sim.clearFaults();
    const again = await client.syncWholeDirectory();
    expect(again).toMatchObject({ status: 'succeeded', counts: { modified: 1, failed: 0 } });
    expect(await stored(4)).toMatchObject({ last_name: 'Unread' });
  });
});
