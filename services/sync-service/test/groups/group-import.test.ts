import type { Simulator } from '@adsync/tenant-sim';
import { mappableProperties } from '../../src/features/users/profile-fields';
import { createGraphDirectoryClient } from '../../src/infra/directory';
import { connectionTo, startDirectorySimulator, TENANT } from '../directory/directory-harness';
import { startTestApp, type TestApp } from '../support/harness';

let sim: Simulator;
let t: TestApp;

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 80, groupCount: 6, groupSize: 10 });
  // The real Graph client, with member pages of 10 so that a group of 50 takes 5 pages.
  t = await startTestApp(
    {},
    {
      createDirectoryClient: (connection) =>
        createGraphDirectoryClient(connection, {
          memberPageSize: 10,
          maxRetries: 1,
          timeoutMs: 5_000,
          userProperties: mappableProperties,
        }),
    },
  );
  await admin(t.http.put('/api/settings/azure-ad')).send(connectionTo(sim)).expect(200);
});
afterAll(async () => {
  await t.close();
  await sim.close();
});
afterEach(() => {
  sim.clearFaults();
  sim.tenant().configure({ groupsConsented: true });
});

const admin = <T extends { set: (name: string, value: string) => T }>(request: T) =>
  request.set('cookie', t.adminCookie);

const importGroups = (objectIds: string[]) => admin(t.http.post('/api/imported-groups')).send({ objectIds });

/** Everything a group import may write. */
async function stored() {
  return {
    groups: await t.app.db('groups').orderBy('id').select(),
    members: await t.app.db('group_members').orderBy(['group_id', 'user_id']).select(),
    users: await t.app.db('users').orderBy('id').select('id', 'username'),
  };
}

const memberUserIds = (groupId: string) =>
  sim
    .tenant()
    .groupMembers(groupId, true)
    .filter((member) => member.kind === 'user')
    .map((member) => member.id);

function upnOf(objectId: string) {
  return sim.tenant().user(objectId)!.user.userPrincipalName;
}

describe('importing Azure AD groups', () => {
  it('imports a group with its members: existing ones added, new ones imported, duplicates named', async () => {
    const engineering = sim.tenant().groupId(1);
    const members = memberUserIds(engineering);
    expect(members.length).toBe(20); // 10 of its own, 10 of the nested "Engineering Platform"
    const [alreadyImported, duplicateByEmail, ...rest] = members;
    await admin(t.http.post('/api/imported-users'))
      .send({ objectIds: [alreadyImported] })
      .expect(200);
    const holder = await admin(t.http.post('/api/users'))
      .send({
        username: 'local.holder',
        email: sim.tenant().user(duplicateByEmail)!.user.mail!.toUpperCase(),
      })
      .expect(201);

    const response = await importGroups([engineering]).expect(200);
    expect(response.body.counts).toEqual({
      imported: 1,
      already_imported: 0,
      duplicate: 0,
      not_found: 0,
      failed: 0,
    });
    const [result] = response.body.results;
    expect(result).toMatchObject({
      objectId: engineering,
      outcome: 'imported',
      group: { name: 'Engineering', source: 'azure_ad', objectId: engineering, tenantId: TENANT.tenantId },
    });
    expect(result.group.memberCount).toBe(19);
    expect(result.group.lastSyncedAt).not.toBeNull();
    expect(result.members.usersAdded).toBe(1);
    expect(result.members.usersImported.map((user: { objectId: string }) => user.objectId).sort()).toEqual(
      [...rest].sort(),
    );
    expect(result.members.usersNotImported).toEqual([
      {
        objectId: duplicateByEmail,
        userPrincipalName: upnOf(duplicateByEmail),
        outcome: 'duplicate',
        reason: 'Another user (local.holder) already has this email.',
        duplicateOf: {
          userId: holder.body.id,
          username: 'local.holder',
          email: holder.body.email,
          field: 'email',
        },
      },
    ]);
    // The nested group itself is not a user: counted, not imported.
    expect(result.members.ignored).toEqual({
      group: 1,
      device: 0,
      servicePrincipal: 0,
      orgContact: 0,
      other: 0,
    });

    const page = await admin(t.http.get(`/api/groups/${result.group.id}/members?limit=500`)).expect(200);
    expect(page.body.items).toHaveLength(19);
    expect(page.body.items.map((user: { objectId: string }) => user.objectId)).not.toContain(
      duplicateByEmail,
    );

    // Imported again: already imported, nothing read beyond the group itself.
    sim.resetStats();
    const again = await importGroups([engineering]).expect(200);
    expect(again.body.results[0]).toEqual({ objectId: engineering, outcome: 'already_imported' });
    expect(sim.stats().requests['groups.transitiveMembers']).toBeUndefined();

    const listed = await admin(t.http.get('/api/imported-groups')).expect(200);
    expect(listed.body.items.map((group: { name: string }) => group.name)).toEqual(['Engineering']);
  });

  it('imports only direct members under groupMembers direct, and keeps the setting for older clients', async () => {
    const outer = sim.tenant().createGroup({ displayName: 'Direct Outer' });
    const inner = sim.tenant().createGroup({ displayName: 'Direct Inner' });
    const [own, nestedOnly] = [sim.tenant().userId(70), sim.tenant().userId(71)];
    sim.tenant().addGroupMember(outer.id, { id: own });
    sim.tenant().addGroupMember(outer.id, { id: inner.id });
    sim.tenant().addGroupMember(inner.id, { id: nestedOnly });
    const policy = await admin(t.http.get('/api/settings/sync')).expect(200);
    await admin(t.http.put('/api/settings/sync'))
      .send({ ...policy.body, groupMembers: 'direct' })
      .expect(200);
    try {
      // A client that does not know the setting saves the policy without it: it stays direct.
      const { groupMembers: _unknown, ...older } = policy.body;
      const saved = await admin(t.http.put('/api/settings/sync')).send(older).expect(200);
      expect(saved.body.groupMembers).toBe('direct');
      sim.resetStats();

      const response = await importGroups([outer.id]).expect(200);

      const [result] = response.body.results;
      expect(result).toMatchObject({ outcome: 'imported', group: { name: 'Direct Outer', memberCount: 1 } });
      expect(result.members.ignored.group).toBe(1);
      const page = await admin(t.http.get(`/api/groups/${result.group.id}/members?limit=500`)).expect(200);
      expect(page.body.items.map((user: { objectId: string }) => user.objectId)).toEqual([own]);
      expect(await t.app.db('users').where({ object_id: nestedOnly }).first('id')).toBeUndefined();
      expect(sim.stats().requests['groups.members']).toBe(1);
      expect(sim.stats().requests['groups.transitiveMembers']).toBeUndefined();
    } finally {
      await admin(t.http.put('/api/settings/sync')).send(policy.body).expect(200);
    }
  });

  it('counts members that are not users and never imports them', async () => {
    const itOperations = sim.tenant().groupId(3);
    const response = await importGroups([itOperations]).expect(200);
    const [result] = response.body.results;
    expect(result.outcome).toBe('imported');
    expect(result.members.ignored).toEqual({
      group: 0,
      device: 1,
      servicePrincipal: 1,
      orgContact: 1,
      other: 0,
    });
    expect(result.group.memberCount).toBe(10);
  });

  it('refuses a group whose name another group has, in any case, and reads none of its members', async () => {
    const local = await admin(t.http.post('/api/groups')).send({ name: 'FINANCE' }).expect(201);
    const finance = sim.tenant().groupId(4);
    // Azure AD allows two groups one name; the second of a request is a duplicate of the first.
    const sameName = sim.tenant().createGroup({ displayName: 'Sales' });
    const sales = sim.tenant().groupId(5);
    const missing = '00000000-0000-4000-8000-00000000abcd';
    const before = await stored();
    sim.resetStats();
    const response = await importGroups([finance, sales, sameName.id, missing]).expect(200);
    expect(response.body.counts).toEqual({
      imported: 1,
      already_imported: 0,
      duplicate: 2,
      not_found: 1,
      failed: 0,
    });
    const [byLocal, imported, bySales, notFound] = response.body.results;
    expect(byLocal).toMatchObject({
      objectId: finance,
      outcome: 'duplicate',
      duplicateOfGroup: { groupId: local.body.id, name: 'FINANCE' },
    });
    expect(imported).toMatchObject({ outcome: 'imported', group: { name: 'Sales' } });
    expect(bySales).toMatchObject({
      outcome: 'duplicate',
      duplicateOfGroup: { groupId: imported.group.id, name: 'Sales' },
    });
    expect(notFound).toMatchObject({ objectId: missing, outcome: 'not_found' });
    // Only the imported group's members were read.
    expect(sim.stats().requests['groups.transitiveMembers']).toBe(1);
    expect((await stored()).groups).toHaveLength(before.groups.length + 1);
  });

  it('writes nothing of a group whose member read fails on page 3 of 5', async () => {
    const big = sim.tenant().createGroup({ displayName: 'Fifty Members' });
    for (let index = 30; index < 80; index++)
      sim.tenant().addGroupMember(big.id, { id: sim.tenant().userId(index) });
    const small = sim.tenant().createGroup({ displayName: 'Two Members' });
    for (const index of [30, 31]) sim.tenant().addGroupMember(small.id, { id: sim.tenant().userId(index) });
    sim.addFault({ route: 'groups.transitiveMembers', kind: 'status', status: 500, match: big.id, skip: 2 });
    const before = await stored();
    sim.resetStats();

    const response = await importGroups([big.id, small.id]).expect(200);
    expect(sim.stats().requests['groups.transitiveMembers']).toBe(4); // 3 of the big group, 1 of the small
    const [failed, imported] = response.body.results;
    expect(failed).toEqual({
      objectId: big.id,
      outcome: 'failed',
      reason: expect.stringContaining('HTTP 500'),
    });
    // The other group of the request is imported as usual.
    expect(imported).toMatchObject({ outcome: 'imported', group: { name: 'Two Members', memberCount: 2 } });
    const after = await stored();
    expect(after.groups.filter((group) => group.object_id === big.id)).toEqual([]);
    expect(after.users.length - before.users.length).toBe(imported.members.usersImported.length);

    // Once Azure AD answers, the same group imports whole.
    sim.clearFaults();
    const retried = await importGroups([big.id]).expect(200);
    expect(retried.body.results[0]).toMatchObject({ outcome: 'imported', group: { memberCount: 50 } });
  });

  it('checks directory data as it enters: odd names fail the group, odd members fail alone', async () => {
    const nul = sim.tenant().createGroup({ displayName: 'Nul\u0000Group' });
    const surrogate = sim.tenant().createGroup({ displayName: 'Lone \ud800 Group' });
    const huge = sim.tenant().createGroup({ displayName: 'H'.repeat(5000) });
    const blank = sim.tenant().createGroup({ displayName: 'ok' });
    sim.tenant().updateGroup(blank.id, { displayName: '   ' });
    const oddDescription = sim
      .tenant()
      .createGroup({ displayName: 'Odd Description', description: 'x\u0000' });
    const withOddMember = sim.tenant().createGroup({ displayName: 'Odd Member' });
    const oddUser = sim
      .tenant()
      .createUser({ userPrincipalName: 'odd.member@northwind.example', surname: 'Bad\ud800' });
    sim.tenant().addGroupMember(withOddMember.id, { id: oddUser.id });
    sim.tenant().addGroupMember(withOddMember.id, { id: sim.tenant().userId(40) });

    const search = await admin(t.http.get('/api/directory/groups?search=Nul')).expect(200);
    expect(search.body.items).toEqual([
      expect.objectContaining({
        objectId: nul.id,
        status: 'invalid',
        reason: expect.stringContaining('NUL'),
      }),
    ]);

    const before = await stored();
    const response = await importGroups([nul.id, surrogate.id, huge.id, blank.id, oddDescription.id]).expect(
      200,
    );
    expect(response.body.results.map((item: { outcome: string }) => item.outcome)).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(response.body.results.map((item: { reason: string }) => item.reason)).toEqual([
      expect.stringContaining('NUL'),
      expect.stringContaining('surrogate'),
      expect.stringContaining('bytes long'),
      expect.stringContaining('blank'),
      expect.stringContaining('description'),
    ]);
    expect(await stored()).toEqual(before);

    const withMember = await importGroups([withOddMember.id]).expect(200);
    const [result] = withMember.body.results;
    expect(result.outcome).toBe('imported');
    expect(result.members.usersNotImported).toEqual([
      {
        objectId: oddUser.id,
        userPrincipalName: null,
        outcome: 'failed',
        reason: expect.stringContaining('surrogate'),
      },
    ]);
    expect(result.group.memberCount).toBe(1);
  });

  it('searches the tenant, flagging imported and duplicate groups', async () => {
    const found = await admin(t.http.get('/api/directory/groups?search=engineering&limit=10')).expect(200);
    const byName = Object.fromEntries(
      found.body.items.map((item: { displayName: string }) => [item.displayName, item]),
    );
    expect(byName.Engineering).toMatchObject({ status: 'imported', importedGroupId: expect.any(String) });
    expect(byName['Engineering Platform']).toMatchObject({ status: 'available', duplicateOfGroup: null });
    const finance = await admin(t.http.get('/api/directory/groups?search=fin')).expect(200);
    expect(finance.body.items[0]).toMatchObject({
      displayName: 'Finance',
      status: 'duplicate',
      duplicateOfGroup: { name: 'FINANCE' },
    });
  });

  it('says when Azure AD refuses the group permission, users still working', async () => {
    sim.tenant().configure({ groupsConsented: false });
    const test = await admin(t.http.post('/api/settings/azure-ad/test')).expect(200);
    expect(test.body).toMatchObject({
      ok: false,
      code: 'missing_group_permission',
      message: expect.stringContaining('GroupMember.Read.All'),
      sampleUser: expect.objectContaining({ email: expect.any(String) }),
    });
    const search = await admin(t.http.get('/api/directory/groups?search=a')).expect(502);
    expect(search.body.code).toBe('missing_permission');
    const before = await stored();
    const refused = await importGroups([sim.tenant().groupId(2)]).expect(502);
    expect(refused.body).toMatchObject({
      code: 'missing_permission',
      detail: expect.stringContaining('GroupMember'),
    });
    expect(await stored()).toEqual(before);
    // Users are still read.
    await admin(t.http.get('/api/directory/users?search=a')).expect(200);
  });

  it('refuses bad requests and keys without the import scope, changing nothing', async () => {
    const before = await stored();
    for (const body of [
      {},
      { objectIds: [] },
      { objectIds: ['not-a-guid'] },
      { objectIds: [sim.tenant().groupId(2)], x: 1 },
    ]) {
      const refused = await admin(t.http.post('/api/imported-groups')).send(body).expect(400);
      expect(refused.body.code).toBe('validation_failed');
    }
    const tooMany = Array.from(
      { length: 101 },
      (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    );
    await importGroups(tooMany).expect(400);
    const reader = await t.apiKey(['directory:read', 'users:read']);
    await t.http
      .post('/api/imported-groups')
      .set('authorization', `Bearer ${reader}`)
      .send({ objectIds: [sim.tenant().groupId(2)] })
      .expect(403);
    await t.http.get('/api/directory/groups').set('authorization', `Bearer ${reader}`).expect(200);
    expect(await stored()).toEqual(before);

    const trail = (await admin(t.http.get('/api/audit-events?limit=500')).expect(200)).body.items as Array<{
      action: string;
      details: Record<string, unknown>;
    }>;
    expect(trail.find((event) => event.action === 'groups.imported')?.details).toMatchObject({
      requested: expect.any(Number),
      imported: expect.any(Number),
    });
  });
});
