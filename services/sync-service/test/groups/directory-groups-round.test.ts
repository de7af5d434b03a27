import { eventually } from '../support/eventually';
import { groupSyncBed } from '../support/group-sync-bed';

// Four members a page: a group of 13 spans four pages and comes back between other groups.
const bed = groupSyncBed({
  tenant: { userCount: 60, groupCount: 0, maxDeltaMembersPerPage: 4 },
  env: { SCHEDULER_TICK_SECONDS: '0.1' },
});
const { tenant, importUser, storeGroup, membersHere, graphReads, groupItems } = bed;
const user = (index: number) => tenant().userId(index);

/** A group created in Azure AD with these members. */
function azureGroup(displayName: string, members: string[]): string {
  const group = tenant().createGroup({ displayName });
  for (const id of members) tenant().addGroupMember(group.id, { id });
  return group.id;
}

const groupsLink = async () =>
  (
    await bed.t.app
      .db('directory_delta_links')
      .where({ tenant_id: tenant().tenantId, kind: 'groups' })
      .first('delta_link')
  )?.delta_link ?? null;

function syncDirectory(options: { dryRun?: boolean; fullPass?: boolean } = {}) {
  return bed.syncAndWait({
    selection: { wholeDirectory: options.fullPass ? { fullPass: true } : {} },
    ...(options.dryRun ? { dryRun: true } : {}),
    confirmDeletions: true,
  });
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, index) => user(from + index));
const sorted = (ids: string[]) => [...ids].sort();

let big: { objectId: string; id: string };
let small: { objectId: string; id: string };

describe('a whole-directory run covers imported groups with a /groups/delta round', () => {
  it('merges a large group across pages: it ends with exactly its members; other groups are ignored', async () => {
    const bigMembers = range(0, 13);
    const bigObject = azureGroup('Big', bigMembers);
    const smallObject = azureGroup('Small', [user(20), user(21)]);
    azureGroup('Not imported', range(30, 36));
    tenant().addGroupMember(bigObject, { type: 'device', displayName: 'Printer' });
    // Here: Big lacks 7 members (3 not users here yet) and has one Azure AD does not list.
    for (const id of range(6, 10)) await importUser(id);
    big = { objectId: bigObject, id: await storeGroup(bigObject, 'Big', [...range(0, 6), user(50)]) };
    small = { objectId: smallObject, id: await storeGroup(smallObject, 'Small old', [user(20)]) };
    const deltaBefore = bed.sim.stats().requests['groups.delta'] ?? 0;

    const run = await syncDirectory();

    expect(run.status).toBe('succeeded');
    expect(await membersHere(big.id)).toEqual(sorted(bigMembers));
    expect(await membersHere(small.id)).toEqual(sorted([user(20), user(21)]));
    expect((await bed.t.app.db('groups').where({ id: small.id }).first()).name).toBe('Small');
    // 13 + 2 + 6 members and a device at four a page: the round took several pages.
    expect((bed.sim.stats().requests['groups.delta'] ?? 0) - deltaBefore).toBeGreaterThanOrEqual(6);
    expect(run.groupCounts).toEqual({
      membersAdded: 8,
      membersRemoved: 1,
      usersCreated: 3 + 1,
      membersIgnored: 1,
      groups: { modified: 2, deleted: 0, duplicated: 0, unchanged: 0, failed: 0 },
    });
    expect(run.counts.failed).toBe(0);
    const items = await groupItems(run.id);
    expect(items.map((item) => item.groupId).sort()).toEqual([big.id, small.id].sort());
    const bigItem = items.find((item) => item.groupId === big.id)!;
    expect(bigItem.members.removed).toEqual([expect.objectContaining({ objectId: user(50) })]);
    expect(bigItem.members.created.map((member) => member.objectId).sort()).toEqual(sorted(range(10, 13)));
    // The group not imported brought no user.
    expect(
      await bed.t.app
        .db('users')
        .where({ object_id: user(30) })
        .first(),
    ).toBeUndefined();
    expect(await groupsLink()).not.toBeNull();
  });

  it('an incremental round removes members only on @removed and adds new ones', async () => {
    const link = await groupsLink();
    tenant().removeGroupMember(big.objectId, user(3));
    tenant().addGroupMember(big.objectId, { id: user(14) });
    // A membership Azure AD never had: an incremental round does not list whole groups, so it stays.
    await bed.t.app.db('group_members').insert({ group_id: big.id, user_id: await importUser(user(51)) });

    const run = await syncDirectory();

    expect(run.status).toBe('succeeded');
    expect(await membersHere(big.id)).toEqual(
      sorted([...range(0, 13).filter((id) => id !== user(3)), user(14), user(51)]),
    );
    expect(run.groupCounts).toMatchObject({ membersAdded: 1, membersRemoved: 1, usersCreated: 1 });
    expect(await groupsLink()).not.toBe(link);
  });

  it('a failed round removes nobody, writes nothing and keeps the links; the next run applies it', async () => {
    const link = await groupsLink();
    const usersLink = await bed.t.app
      .db('directory_delta_links')
      .where({ tenant_id: tenant().tenantId, kind: 'users' })
      .first('delta_link');
    tenant().removeGroupMember(big.objectId, user(4));
    tenant().updateGroup(small.objectId, { displayName: 'Small renamed' });
    bed.sim.addFault({ route: 'groups.delta', kind: 'status', status: 500 });

    const run = await syncDirectory();

    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/server_error|service_unavailable/);
    expect(await membersHere(big.id)).toContain(user(4));
    expect((await bed.t.app.db('groups').where({ id: small.id }).first()).name).toBe('Small');
    expect(await groupsLink()).toBe(link);
    expect(
      await bed.t.app
        .db('directory_delta_links')
        .where({ tenant_id: tenant().tenantId, kind: 'users' })
        .first('delta_link'),
    ).toEqual(usersLink);

    bed.sim.clearFaults();
    const again = await syncDirectory();
    expect(again.status).toBe('succeeded');
    expect(await membersHere(big.id)).not.toContain(user(4));
    expect((await bed.t.app.db('groups').where({ id: small.id }).first()).name).toBe('Small renamed');
  });

  it('an expired link gives a full round, which removes members the complete list lacks', async () => {
    tenant().expireDeltaTokens();
    const run = await syncDirectory();
    expect(run.status).toBe('succeeded');
    // user 51 was never a member in Azure AD: only a full round's complete member list removes it.
    expect(await membersHere(big.id)).toEqual(
      sorted([...range(0, 13).filter((id) => id !== user(3) && id !== user(4)), user(14)]),
    );
    expect(run.groupCounts).toMatchObject({ membersRemoved: 1 });
  });

  it('a group deleted and restored before the run is kept; a deleted one (404) is deleted', async () => {
    const restoredObject = azureGroup('Restored', [user(40)]);
    const goneObject = azureGroup('Gone', [user(41)]);
    const restored = await storeGroup(restoredObject, 'Restored', [user(40)]);
    const gone = await storeGroup(goneObject, 'Gone', [user(41)]);
    await syncDirectory();
    tenant().softDeleteGroup(restoredObject);
    tenant().restoreGroup(restoredObject);
    tenant().softDeleteGroup(goneObject);
    const groupReadsBefore = graphReads('groups.get');

    const run = await syncDirectory();

    expect(run.status).toBe('succeeded');
    expect(await membersHere(restored)).toEqual([user(40)]);
    expect(await bed.t.app.db('groups').where({ id: gone }).first()).toBeUndefined();
    // The user stays; only the group and its memberships went.
    expect(
      await bed.t.app
        .db('users')
        .where({ object_id: user(41) })
        .first(),
    ).toBeDefined();
    // The removal was confirmed by reading the group.
    expect(graphReads('groups.get') - groupReadsBefore).toBeGreaterThanOrEqual(1);
    expect(run.groupCounts.groups).toMatchObject({ deleted: 1 });
    expect((await groupItems(run.id)).find((item) => item.groupId === gone)).toMatchObject({
      outcome: 'deleted',
      applied: true,
    });
  });

  it('a dry run writes nothing: memberships, names and links stay, its items are not applied', async () => {
    const link = await groupsLink();
    tenant().addGroupMember(big.objectId, { id: user(16) });
    tenant().removeGroupMember(big.objectId, user(0));
    tenant().updateGroup(big.objectId, { displayName: 'Big renamed' });
    const before = await membersHere(big.id);
    const usersBefore = await bed.t.app.db('users').count({ count: '*' }).first();

    const run = await syncDirectory({ dryRun: true });

    expect(run.status).toBe('succeeded');
    expect(await membersHere(big.id)).toEqual(before);
    expect((await bed.t.app.db('groups').where({ id: big.id }).first()).name).toBe('Big');
    expect(await bed.t.app.db('users').count({ count: '*' }).first()).toEqual(usersBefore);
    expect(await groupsLink()).toBe(link);
    expect(run.groupCounts).toMatchObject({ membersAdded: 1, membersRemoved: 1, usersCreated: 1 });
    const item = (await groupItems(run.id)).find((entry) => entry.groupId === big.id);
    expect(item).toMatchObject({ outcome: 'modified', applied: false });
  });

  it("the schedule's run covers groups", async () => {
    await bed.t.http
      .put('/api/sync/schedule')
      .set('cookie', bed.t.adminCookie)
      .send({ enabled: true, intervalMinutes: 60 })
      .expect(200);
    await bed.t.app.db('sync_schedule').update({ next_run_at: bed.t.app.db.fn.now() });
    const run = await eventually(async () => {
      const page = await bed.t.http
        .get('/api/sync/runs?limit=20')
        .set('cookie', bed.t.adminCookie)
        .expect(200);
      return page.body.items.find(
        (entry: { trigger: string; status: string }) =>
          entry.trigger === 'scheduled' && !['queued', 'running'].includes(entry.status),
      );
    });
    await bed.t.http
      .put('/api/sync/schedule')
      .set('cookie', bed.t.adminCookie)
      .send({ enabled: false, intervalMinutes: 60 })
      .expect(200);
    expect(run.status).toBe('succeeded');
    expect(await membersHere(big.id)).toEqual(
      sorted([...range(1, 13).filter((id) => id !== user(3) && id !== user(4)), user(14), user(16)]),
    );
    expect((await bed.t.app.db('groups').where({ id: big.id }).first()).name).toBe('Big renamed');
    expect(run.groupCounts).toMatchObject({ membersAdded: 1, membersRemoved: 1 });
  });
});

describe('members counted transitively (the default policy)', () => {
  let child: string;
  let parentObject: string;
  let parent: string;

  it('a group with a nested group is read whole: a full round keeps the nested users', async () => {
    child = azureGroup('Child', [user(45)]);
    parentObject = azureGroup('Parent', [user(44)]);
    tenant().addGroupMember(parentObject, { id: child });
    parent = await storeGroup(parentObject, 'Parent', [user(44), user(45)]);
    const transitiveBefore = graphReads('groups.transitiveMembers');

    const run = await syncDirectory({ fullPass: true });

    expect(run.status).toBe('succeeded');
    expect(await membersHere(parent)).toEqual(sorted([user(44), user(45)]));
    expect(graphReads('groups.transitiveMembers') - transitiveBefore).toBeGreaterThanOrEqual(1);
  });

  it('an incremental round brings the group above a nested group whose members changed in step', async () => {
    tenant().removeGroupMember(child, user(45));
    tenant().addGroupMember(child, { id: user(46) });
    // The parent's read fails: it removes nobody (and adds nobody); the run keeps the link, so the next one
    // reads the same changes again.
    bed.sim.addFault({ route: 'groups.transitiveMembers', kind: 'status', status: 500, match: parentObject });

    const failed = await syncDirectory();

    expect(failed.status).not.toBe('succeeded');
    expect(failed.groupCounts.groups).toMatchObject({ failed: 1 });
    expect(await membersHere(parent)).toEqual(sorted([user(44), user(45)]));

    bed.sim.clearFaults();
    const run = await syncDirectory();

    expect(run.status).toBe('succeeded');
    expect(await membersHere(parent)).toEqual(sorted([user(44), user(46)]));
    expect(run.groupCounts).toMatchObject({ membersAdded: 1, membersRemoved: 1 });
  });

  it('at any depth: a group nested two deep changes the group two levels above it', async () => {
    const grandchild = azureGroup('Grandchild', [user(47)]);
    tenant().addGroupMember(child, { id: grandchild });
    const nestedOnce = await syncDirectory();
    expect(nestedOnce.status).toBe('succeeded');
    expect(await membersHere(parent)).toEqual(sorted([user(44), user(46), user(47)]));

    tenant().addGroupMember(grandchild, { id: user(48) });
    tenant().removeGroupMember(grandchild, user(47));
    const transitiveBefore = graphReads('groups.transitiveMembers');

    const run = await syncDirectory();

    expect(run.status).toBe('succeeded');
    expect(await membersHere(parent)).toEqual(sorted([user(44), user(46), user(48)]));
    expect(graphReads('groups.transitiveMembers') - transitiveBefore).toBeGreaterThanOrEqual(1);

    // A round that changes nothing under the parent does not read it.
    tenant().addGroupMember(big.objectId, { id: user(17) });
    const untouched = graphReads('groups.transitiveMembers');
    expect((await syncDirectory()).status).toBe('succeeded');
    expect(graphReads('groups.transitiveMembers') - untouched).toBe(0);
  });
});

describe("the round's candidates", () => {
  it('are staged in the database when their sync removes members; the groups it met touch no staging', async () => {
    const goneObject = azureGroup('Gone too', [user(42)]);
    const gone = await storeGroup(goneObject, 'Gone too', [user(42)]);
    await syncDirectory();
    tenant().softDeleteGroup(goneObject);
    tenant().addGroupMember(big.objectId, { id: user(19) });
    const staging: string[] = [];
    const watch = ({ sql }: { sql: string }) => {
      if (sql.includes('sync_run_group_staging')) staging.push(sql);
    };
    bed.t.app.db.on('query', watch);

    const run = await syncDirectory();

    bed.t.app.db.off('query', watch);
    expect(run.status).toBe('succeeded');
    expect(await bed.t.app.db('groups').where({ id: gone }).first()).toBeUndefined();
    expect(await membersHere(big.id)).toContain(user(19));
    // The deleted group was staged for the threshold, then resolved from there: one insert, one unstaging;
    // the chunk of groups the round met unstaged nothing.
    expect(staging.filter((sql) => sql.startsWith('insert'))).toHaveLength(1);
    expect(staging.filter((sql) => sql.startsWith('delete') && sql.includes('any('))).toHaveLength(1);
  });
});
