import { defaultMapping, mapProfile } from '../../src/features/users/profile-fields';
import { groupSyncBed } from '../support/group-sync-bed';
import { runUntilEnd } from '../sync/sync-testbed';

// Member pages of 10, so that a group of 50 takes 5 pages.
const bed = groupSyncBed({ tenant: { userCount: 1000, groupCount: 4, groupSize: 10 }, memberPageSize: 10 });
const { tenant, importUser, storeGroup, membersHere, graphReads, groupItems } = bed;
const objectIdOf = (index: number) => tenant().userId(index);
let nextUser = 0;
/** Seeded users not used by another test yet. */
const freshUsers = (count: number) => Array.from({ length: count }, () => objectIdOf(nextUser++));

/** A group created in Azure AD with these members, and imported here as it is now. */
async function importedGroup(displayName: string, members: string[], description: string | null = null) {
  const upstream = tenant().createGroup({ displayName, ...(description ? { description } : {}) });
  for (const id of members) tenant().addGroupMember(upstream.id, { id });
  return { objectId: upstream.id, id: await storeGroup(upstream.id, displayName, members, description) };
}

const syncGroups = (selection: object, options: { dryRun?: boolean } = {}) =>
  bed.syncAndWait({ selection, ...options });

const ref = (objectId: string) => expect.objectContaining({ objectId });

describe('synchronizing imported groups', () => {
  it('renames, adds (creating new users, nested members too) and removes members, keeping removed users', async () => {
    const [kept, leaving, existingNewcomer, brandNew, nestedNew, taken] = freshUsers(6);
    const group = await importedGroup('Analysts', [kept, leaving], 'Old description');
    await importUser(existingNewcomer);
    const holder = await bed.t.http
      .post('/api/users')
      .set('cookie', bed.t.adminCookie)
      .send({
        username: 'local.holder',
        email: mapProfile(tenant().user(taken)!.user, defaultMapping).email.toUpperCase(),
      })
      .expect(201);
    tenant().updateGroup(group.objectId, { displayName: 'Analysts EMEA', description: 'New description' });
    tenant().removeGroupMember(group.objectId, leaving);
    for (const id of [existingNewcomer, brandNew, taken]) tenant().addGroupMember(group.objectId, { id });
    const nested = tenant().createGroup({ displayName: 'Analysts Nested' });
    tenant().addGroupMember(nested.id, { id: nestedNew });
    tenant().addGroupMember(group.objectId, { id: nested.id });
    const leavingUserId = await importUser(leaving);

    const run = await syncGroups({ groupIds: [group.id] });

    expect(run).toMatchObject({
      kind: 'groups',
      status: 'succeeded',
      selection: { kind: 'groupIds', count: 1, requested: 1 },
      counts: { modified: 1, deleted: 0, duplicated: 0, unchanged: 0, failed: 0 },
      groupCounts: { membersAdded: 3, membersRemoved: 1, usersCreated: 2 },
    });
    const [item] = await groupItems(run.id);
    expect(item).toMatchObject({
      groupId: group.id,
      name: 'Analysts',
      outcome: 'modified',
      applied: true,
      changes: [
        { field: 'name', before: 'Analysts', after: 'Analysts EMEA' },
        { field: 'description', before: 'Old description', after: 'New description' },
      ],
      failure: null,
      duplicateOf: null,
    });
    expect(item.members.removed).toEqual([ref(leaving)]);
    expect(item.members.added).toEqual(
      expect.arrayContaining([ref(existingNewcomer), ref(brandNew), ref(nestedNew)]),
    );
    expect(item.members.added).toHaveLength(3);
    expect(item.members.created.map((user) => user.objectId).sort()).toEqual([brandNew, nestedNew].sort());
    for (const created of item.members.created) expect(created.userId).toEqual(expect.any(String));
    expect(item.members.notAdded).toEqual([
      {
        objectId: taken,
        userPrincipalName: tenant().user(taken)!.user.userPrincipalName,
        reason: 'Another user (local.holder) already has this email.',
        duplicateOf: expect.objectContaining({
          userId: holder.body.id,
          username: 'local.holder',
          field: 'email',
        }),
      },
    ]);

    expect(await membersHere(group.id)).toEqual([kept, existingNewcomer, brandNew, nestedNew].sort());
    const stored = await bed.t.app.db('groups').where({ id: group.id }).first();
    expect(stored).toMatchObject({ name: 'Analysts EMEA', description: 'New description' });
    expect(stored.last_synced_at).not.toBeNull();
    // The removed member stays a user; the member whose email was taken was not created.
    expect(await bed.t.app.db('users').where({ id: leavingUserId }).first('id')).toBeDefined();
    expect(await bed.t.app.db('users').where({ object_id: taken }).first('id')).toBeUndefined();

    // Nothing changed since: the next run finds it unchanged.
    const again = await syncGroups({ groupIds: [group.id] });
    expect(again.counts).toMatchObject({ unchanged: 1, modified: 0 });
    expect(again.groupCounts).toEqual({ membersAdded: 0, membersRemoved: 0, usersCreated: 0 });
  });

  it('under groupMembers direct, removes a member reachable only through nesting once a complete direct read lacks it', async () => {
    const [own, viaNested, nestedNew] = freshUsers(3);
    const group = await importedGroup('Direct Only', [own]);
    const nested = tenant().createGroup({ displayName: 'Direct Only Nested' });
    for (const id of [viaNested, nestedNew]) tenant().addGroupMember(nested.id, { id });
    tenant().addGroupMember(group.objectId, { id: nested.id });
    // Imported while transitive: the nested group's member is a member here.
    await bed.t.app.db('group_members').insert({ group_id: group.id, user_id: await importUser(viaNested) });
    const policy = await bed.t.http.get('/api/settings/sync').set('cookie', bed.t.adminCookie).expect(200);
    const setPolicy = (body: object) =>
      bed.t.http.put('/api/settings/sync').set('cookie', bed.t.adminCookie).send(body).expect(200);
    await setPolicy({ ...policy.body, groupMembers: 'direct' });
    try {
      // The direct-member read fails: nobody is removed, though the member is not a direct one.
      bed.sim.addFault({ route: 'groups.members', kind: 'status', status: 500, match: group.objectId });
      const failed = await syncGroups({ groupIds: [group.id] });
      expect(failed.counts).toMatchObject({ failed: 1, modified: 0 });
      expect(failed.groupCounts).toEqual({ membersAdded: 0, membersRemoved: 0, usersCreated: 0 });
      expect(await membersHere(group.id)).toEqual([own, viaNested].sort());
      bed.sim.clearFaults();
      bed.sim.resetStats();

      const run = await syncGroups({ groupIds: [group.id] });

      expect(run).toMatchObject({
        status: 'succeeded',
        counts: { modified: 1, failed: 0 },
        groupCounts: { membersAdded: 0, membersRemoved: 1, usersCreated: 0 },
      });
      const [item] = await groupItems(run.id);
      expect(item.members.removed).toEqual([ref(viaNested)]);
      expect(item.members.added).toEqual([]);
      expect(await membersHere(group.id)).toEqual([own]);
      expect(await bed.t.app.db('users').where({ object_id: nestedNew }).first('id')).toBeUndefined();
      expect(graphReads('groups.members')).toBe(1);
      expect(graphReads('groups.transitiveMembers')).toBe(0);
    } finally {
      await setPolicy(policy.body);
    }
  });

  it('adds hundreds of new members to a group in one run, creating their users', async () => {
    const members = freshUsers(600);
    const upstream = tenant().createGroup({ displayName: 'Six Hundred' });
    for (const id of members) tenant().addGroupMember(upstream.id, { id });
    const groupId = await storeGroup(upstream.id, 'Six Hundred', []);

    const run = await syncGroups({ groupIds: [groupId] });

    expect(run).toMatchObject({ status: 'succeeded', groupCounts: { membersAdded: 600, usersCreated: 600 } });
    expect(await membersHere(groupId)).toEqual([...members].sort());
  });

  it('deletes a group only on Graph 404; one deleted and restored before the run is kept', async () => {
    const [a, b] = freshUsers(2);
    const gone = await importedGroup('Gone Group', [a, b]);
    const restored = await importedGroup('Restored Group', [a]);
    tenant().softDeleteGroup(gone.objectId);
    tenant().softDeleteGroup(restored.objectId);
    tenant().restoreGroup(restored.objectId);

    const run = await syncGroups({ groupIds: [gone.id, restored.id] });

    expect(run.counts).toMatchObject({ deleted: 1, unchanged: 1, failed: 0 });
    expect(run.groupCounts.membersRemoved).toBe(2);
    const items = await groupItems(run.id);
    const deleted = items.find((item: { groupId: string }) => item.groupId === gone.id);
    expect(deleted).toMatchObject({ outcome: 'deleted', applied: true });
    expect(deleted?.members.removed).toHaveLength(2);
    expect(await bed.t.app.db('groups').where({ id: gone.id }).first()).toBeUndefined();
    expect(await bed.t.app.db('groups').where({ id: restored.id }).first()).toBeDefined();
    expect(await bed.t.app.db('users').where({ object_id: a }).first()).toBeDefined();
  });

  it('compares a group read whole by object id without case, keeps its members without one, and removes a member from one group only', async () => {
    const [shared, upperCased, other] = freshUsers(3);
    const left = await importedGroup('Left Group', [shared, upperCased, other]);
    const right = await importedGroup('Right Group', [shared, other]);
    // A member stored with its object id upper-cased (as Azure AD spelled it once) is the same member.
    await bed.t.app
      .db('users')
      .where({ object_id: upperCased })
      .update({ object_id: upperCased.toUpperCase() });
    // A local user (no object id) made a member of the imported group here: never Azure AD's to remove.
    const [local] = await bed.t.app
      .db('users')
      .insert({
        username: 'local.member',
        email: 'local.member@example.test',
        first_name: '',
        last_name: '',
        source: 'local',
      })
      .returning('id');
    await bed.t.app.db('group_members').insert({ group_id: left.id, user_id: local.id });
    tenant().removeGroupMember(left.objectId, shared);

    const run = await syncGroups({ groupIds: [left.id, right.id] });

    expect(run.counts).toMatchObject({ modified: 1, unchanged: 1, failed: 0 });
    expect(run.groupCounts).toEqual({ membersAdded: 0, membersRemoved: 1, usersCreated: 0 });
    const items = await groupItems(run.id);
    const leftItem = items.find((item: { groupId: string }) => item.groupId === left.id);
    expect(leftItem?.members.removed).toEqual([ref(shared)]);
    expect(leftItem?.members.added).toEqual([]);
    expect(await membersHere(left.id)).toEqual([null, other, upperCased.toUpperCase()].sort());
    expect(await membersHere(right.id)).toEqual([shared, other].sort());
  });

  it('searches a run’s group items by the name before the run or the name it gave, wildcards taken literally', async () => {
    const [a, b] = freshUsers(2);
    const renamed = await importedGroup('Treasury', [a]);
    const kept = await importedGroup('Payroll 100%', [b]);
    tenant().updateGroup(renamed.objectId, { displayName: 'Treasury EMEA' });
    const run = await syncGroups({ groupIds: [renamed.id, kept.id] });
    const search = async (text: string) => {
      const response = await bed.t.http
        .get(`/api/sync/runs/${run.id}/group-items`)
        .query({ search: text })
        .set('cookie', bed.t.adminCookie)
        .expect(200);
      return (response.body.items as Array<{ groupId: string }>).map((item) => item.groupId);
    };

    expect(await search('emea')).toEqual([renamed.id]);
    expect(await search('TREASURY')).toEqual([renamed.id]);
    expect(await search('  emea ')).toEqual([renamed.id]);
    expect(await search('100%')).toEqual([kept.id]);
    expect(await search('%')).toEqual([kept.id]);
    expect(await search('_')).toEqual([]);
    expect((await search('')).sort()).toEqual([renamed.id, kept.id].sort());
    expect((await search('   ')).sort()).toEqual([renamed.id, kept.id].sort());
  });

  it('calls a group renamed to another group’s name duplicated and changes nothing of it', async () => {
    const [a, b] = freshUsers(2);
    const other = await importedGroup('Taken Name', []);
    const group = await importedGroup('Renamed Group', [a]);
    tenant().updateGroup(group.objectId, { displayName: 'TAKEN name' });
    tenant().addGroupMember(group.objectId, { id: b });

    const run = await syncGroups({ groupIds: [group.id] });

    expect(run.counts).toMatchObject({ duplicated: 1, modified: 0 });
    expect(run.status).toBe('succeeded');
    const [item] = await groupItems(run.id);
    expect(item).toMatchObject({
      outcome: 'duplicated',
      applied: false,
      duplicateOf: { groupId: other.id, name: 'Taken Name' },
      changes: [{ field: 'name', before: 'Renamed Group', after: 'TAKEN name' }],
    });
    expect(await bed.t.app.db('groups').where({ id: group.id }).first()).toMatchObject({
      name: 'Renamed Group',
    });
    expect(await membersHere(group.id)).toEqual([a]);
  });

  it('fails a group whose member read fails on page 3 of 5, removing nobody', async () => {
    const members = freshUsers(50);
    const group = await importedGroup('Fifty Members', members);
    for (const id of members.slice(0, 5)) tenant().removeGroupMember(group.objectId, id);
    for (const id of members.slice(0, 5)) tenant().addGroupMember(group.objectId, { id }); // back, still 50
    for (const id of members.slice(45)) tenant().removeGroupMember(group.objectId, id);
    tenant().updateGroup(group.objectId, { displayName: 'Fifty Renamed' });
    bed.sim.addFault({
      route: 'groups.transitiveMembers',
      kind: 'status',
      status: 500,
      match: group.objectId,
      skip: 2,
    });

    const run = await syncGroups({ groupIds: [group.id] });

    expect(run.counts).toMatchObject({ failed: 1, modified: 0 });
    // Pages 1 and 2 answered, then page 3 failed.
    expect(graphReads('groups.transitiveMembers')).toBeGreaterThanOrEqual(3);
    expect(run.groupCounts.membersRemoved).toBe(0);
    expect(run.mainFailure).toMatchObject({ count: 1 });
    expect(run.error).toMatch(/^1 of 1 group could not be synchronized/);
    const [item] = await groupItems(run.id);
    expect(item.outcome).toBe('failed');
    expect(item.failure?.message).toMatch(/no member was removed/);
    expect(await membersHere(group.id)).toHaveLength(50);
    expect(await bed.t.app.db('groups').where({ id: group.id }).first()).toMatchObject({
      name: 'Fifty Members',
    });
  });

  it('fails a group whose member read stays throttled, removing nobody', async () => {
    const [a, b] = freshUsers(2);
    const group = await importedGroup('Throttled Group', [a, b]);
    tenant().removeGroupMember(group.objectId, b);
    bed.sim.addFault({
      route: 'groups.transitiveMembers',
      kind: 'throttle',
      retryAfterSeconds: 0.2,
      match: group.objectId,
    });

    const run = await syncGroups({ groupIds: [group.id] });

    expect(run.counts).toMatchObject({ failed: 1, modified: 0 });
    const [item] = await groupItems(run.id);
    expect(item).toMatchObject({ outcome: 'failed', applied: false, failure: { code: 'throttled' } });
    expect(await membersHere(group.id)).toEqual([a, b].sort());
  });

  it('reads groups a chunk at a time, batched, writing each chunk as it is read: progress moves during the read', async () => {
    // 16 groups, chunks of 7 (SYNC_CHUNK_SIZE): each gains a member; one also loses one (staged for the threshold).
    const groups = [];
    for (let index = 0; index < 16; index += 1) {
      const [kept, joining] = freshUsers(2);
      await importUser(joining);
      const group = await importedGroup(`Chunked ${index}`, [kept]);
      tenant().addGroupMember(group.objectId, { id: joining });
      groups.push(group);
    }
    const [leaving] = freshUsers(1);
    tenant().addGroupMember(groups[5].objectId, { id: leaving });
    await bed.t.app
      .db('group_members')
      .insert({ group_id: groups[5].id, user_id: await importUser(leaving) });
    tenant().removeGroupMember(groups[5].objectId, leaving);
    bed.sim.resetStats();
    bed.sim.setLatency(150);
    try {
      const started = await bed.t.http
        .post('/api/sync')
        .set('cookie', bed.t.adminCookie)
        .send({ selection: { groupIds: groups.map((group) => group.id) } })
        .expect(202);
      const seen: Array<{ status: string; processed: number }> = [];
      const listener = (row: { status: string; processed: number }) => seen.push(row);
      bed.t.app.syncEngine.progress.on(started.body.id, listener);
      const run = await runUntilEnd(bed, started.body.id);
      bed.t.app.syncEngine.progress.off(started.body.id, listener);

      expect(run).toMatchObject({
        status: 'succeeded',
        counts: { modified: 16, failed: 0 },
        groupCounts: { membersAdded: 16, membersRemoved: 1 },
        progress: { processed: 16, total: 16 },
      });
      const during = seen.filter((row) => row.status === 'running').map((row) => row.processed);
      expect(during.some((processed) => processed > 0 && processed < 16)).toBe(true);
      expect(await membersHere(groups[5].id)).not.toContain(leaving);
      // Three chunks: one `$filter=id in` item and one batch of first member pages each; no per-group GET.
      expect(bed.sim.stats().batchItems['groups.list']).toBe(3);
      expect(graphReads('groups.get')).toBe(0);
      expect(bed.sim.stats().batchItems['groups.transitiveMembers']).toBe(16);
      expect(bed.sim.stats().requests.batch).toBe(6);
      expect(await bed.t.app.db('sync_run_group_staging').where({ run_id: run.id })).toEqual([]);
    } finally {
      bed.sim.setLatency(0);
    }
  });

  it('ends a chunk of groups before the group that would take it over ten times SYNC_CHUNK_SIZE members', async () => {
    // Chunks of 7 groups and 70 members: groups of 25 go two to a chunk.
    const groups = [];
    for (let index = 0; index < 3; index += 1) {
      const members = freshUsers(25);
      const group = await importedGroup(`Held ${index}`, members);
      tenant().removeGroupMember(group.objectId, members[0]);
      groups.push(group);
    }
    bed.sim.resetStats();

    const run = await syncGroups({ groupIds: groups.map((group) => group.id) });

    expect(run).toMatchObject({
      status: 'succeeded',
      counts: { modified: 3 },
      groupCounts: { membersRemoved: 3 },
    });
    // Two chunks: one `$filter=id in` item each.
    expect(bed.sim.stats().batchItems['groups.list']).toBe(2);
    for (const group of groups) expect(await membersHere(group.id)).toHaveLength(24);
  });

  it('fails only the groups whose batch item or later member page failed, removing nobody from them', async () => {
    const bigMembers = freshUsers(50);
    const big = await importedGroup('Big Batched', bigMembers);
    const [a1, a2, b1, b2, c1, c2] = freshUsers(6);
    const a = await importedGroup('Batched A', [a1, a2]);
    const b = await importedGroup('Batched B', [b1, b2]);
    const c = await importedGroup('Batched C', [c1, c2]);
    for (const [group, leaving] of [
      [big, bigMembers[49]],
      [a, a2],
      [b, b2],
      [c, c2],
    ] as const)
      tenant().removeGroupMember(group.objectId, leaving);
    // Page 3 of 5 of the big group fails; so does the first member page (a batch item) of B.
    bed.sim.addFault({
      route: 'groups.transitiveMembers',
      kind: 'status',
      status: 500,
      match: big.objectId,
      skip: 2,
    });
    bed.sim.addFault({ route: 'groups.transitiveMembers', kind: 'status', status: 500, match: b.objectId });

    const run = await syncGroups({ groupIds: [big.id, a.id, b.id, c.id] });

    expect(run.counts).toMatchObject({ modified: 2, failed: 2 });
    expect(run.groupCounts.membersRemoved).toBe(2);
    expect(await membersHere(big.id)).toHaveLength(50);
    expect(await membersHere(b.id)).toEqual([b1, b2].sort());
    expect(await membersHere(a.id)).toEqual([a1]);
    expect(await membersHere(c.id)).toEqual([c1]);
    const items = await groupItems(run.id);
    for (const failed of [big, b]) {
      const item = items.find((candidate: { groupId: string }) => candidate.groupId === failed.id);
      expect(item).toMatchObject({ outcome: 'failed', applied: false });
      expect(item?.failure?.message).toMatch(/no member was removed/);
    }
    expect(bed.sim.stats().batchItems['groups.transitiveMembers']).toBeGreaterThanOrEqual(4);
  });

  it('stages a group of several member pages in the database page by page, and finds its changes there', async () => {
    const members = freshUsers(45);
    const [joining, newcomer] = freshUsers(2);
    const group = await importedGroup('Paged Forty-Five', members);
    await importUser(joining);
    for (const id of members.slice(0, 3)) tenant().removeGroupMember(group.objectId, id);
    for (const id of [joining, newcomer]) tenant().addGroupMember(group.objectId, { id });
    bed.sim.setLatency(100);
    try {
      const started = await bed.t.http
        .post('/api/sync')
        .set('cookie', bed.t.adminCookie)
        .send({ selection: { groupIds: [group.id] } })
        .expect(202);
      // While the 5 member pages (of 10) are read, the pages read so far wait in the database.
      const staged: number[] = [];
      for (let polls = 0; polls < 200; polls += 1) {
        const row = await bed.t.app
          .db('sync_run_group_member_staging')
          .where({ run_id: started.body.id, group_id: group.id })
          .count<{ count: string | number }[]>({ count: '*' })
          .first();
        staged.push(Number(row?.count ?? 0));
        const run = await bed.t.app.db('sync_runs').where({ id: started.body.id }).first('status');
        if (run.status !== 'running' && run.status !== 'queued') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const run = await runUntilEnd(bed, started.body.id);

      expect(staged.some((count) => count > 0 && count < 44)).toBe(true);
      expect(run).toMatchObject({
        status: 'succeeded',
        counts: { modified: 1 },
        groupCounts: { membersAdded: 2, membersRemoved: 3, usersCreated: 1 },
      });
      const [item] = await groupItems(run.id);
      expect(item.members.removed.map((member) => member.objectId).sort()).toEqual(
        members.slice(0, 3).sort(),
      );
      expect(item.members.created).toEqual([ref(newcomer)]);
      expect(await membersHere(group.id)).toEqual([...members.slice(3), joining, newcomer].sort());
      expect(await bed.t.app.db('sync_run_group_member_staging').where({ run_id: run.id })).toEqual([]);
    } finally {
      bed.sim.setLatency(0);
    }
  });

  it('blocks a run that would remove more than the threshold’s share of the memberships, until confirmed', async () => {
    const members = freshUsers(15);
    const group = await importedGroup('Mass Removal', members);
    for (const id of members.slice(3)) tenant().removeGroupMember(group.objectId, id);

    const dry = await syncGroups({ groupIds: [group.id] }, { dryRun: true });
    expect(dry).toMatchObject({
      status: 'succeeded',
      dryRun: true,
      blocked: { wouldDelete: 12, selected: 15 },
    });
    expect(dry.groupCounts.membersRemoved).toBe(12);
    expect((await groupItems(dry.id))[0]).toMatchObject({ outcome: 'modified', applied: false });
    expect(await membersHere(group.id)).toHaveLength(15);

    const run = await syncGroups({ groupIds: [group.id] });
    expect(run).toMatchObject({ status: 'blocked', blocked: { wouldDelete: 12, selected: 15 } });
    expect((await groupItems(run.id))[0]).toMatchObject({ outcome: 'modified', applied: false });
    expect(await membersHere(group.id)).toHaveLength(15);

    const confirmed = await bed.t.http
      .post(`/api/sync/runs/${run.id}/confirm`)
      .set('cookie', bed.t.adminCookie)
      .expect(202);
    const ended = await runUntilEnd(bed, confirmed.body.id);
    expect(ended).toMatchObject({ status: 'succeeded', kind: 'groups', groupCounts: { membersRemoved: 12 } });
    expect(await membersHere(group.id)).toEqual(members.slice(0, 3).sort());
  });

  it('reports a dry run without changing anything, and selects all groups matching a search', async () => {
    const [a, b] = freshUsers(2);
    const group = await importedGroup('Dry Searchable', [a]);
    tenant().updateGroup(group.objectId, { displayName: 'Dry Searchable 2' });
    tenant().addGroupMember(group.objectId, { id: b });
    tenant().removeGroupMember(group.objectId, a);

    const dry = await syncGroups({ allMatchingGroups: { search: 'dry search' } }, { dryRun: true });
    expect(dry).toMatchObject({
      status: 'succeeded',
      selection: { kind: 'allMatchingGroups', search: 'dry search', count: 1 },
      counts: { modified: 1 },
      groupCounts: { membersAdded: 1, membersRemoved: 1, usersCreated: 1 },
    });
    const [item] = await groupItems(dry.id);
    expect(item).toMatchObject({ outcome: 'modified', applied: false });
    expect(item.members.created).toEqual([expect.objectContaining({ objectId: b, userId: null })]);
    expect(await membersHere(group.id)).toEqual([a]);
    expect(await bed.t.app.db('groups').where({ id: group.id }).first()).toMatchObject({
      name: 'Dry Searchable',
    });
    expect(await bed.t.app.db('users').where({ object_id: b }).first()).toBeUndefined();
  });

  it('ends a run failed, changing nothing, when Azure AD refuses the group permission', async () => {
    const [a] = freshUsers(1);
    const group = await importedGroup('No Consent', [a]);
    tenant().removeGroupMember(group.objectId, a);
    tenant().configure({ groupsConsented: false });
    try {
      const run = await syncGroups({ groupIds: [group.id] });
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/GroupMember\.Read\.All/);
      expect(await membersHere(group.id)).toEqual([a]);
    } finally {
      tenant().configure({ groupsConsented: true });
    }
  });

  it('re-runs the failed and duplicated groups of a run of groups, and refuses a re-run with none', async () => {
    const [a, b] = freshUsers(2);
    await importedGroup('Rerun Holder', []);
    const duplicated = await importedGroup('Rerun Duplicated', [a]);
    tenant().updateGroup(duplicated.objectId, { displayName: 'rerun holder' });
    const failed = await importedGroup('Rerun Failed', [b]);
    const unchanged = await importedGroup('Rerun Unchanged', []);
    bed.sim.addFault({
      route: 'groups.transitiveMembers',
      kind: 'status',
      status: 500,
      match: failed.objectId,
    });
    const first = await syncGroups({ groupIds: [duplicated.id, failed.id, unchanged.id] });
    expect(first.counts).toMatchObject({ duplicated: 1, failed: 1, unchanged: 1 });
    bed.sim.clearFaults();
    tenant().updateGroup(duplicated.objectId, { displayName: 'Rerun Free Name' });

    const origin = { runId: first.id, outcomes: ['failed', 'duplicated'] };
    const rerun = await syncGroups({ fromRun: origin });

    expect(rerun.kind).toBe('groups');
    expect(rerun.selection).toMatchObject({ kind: 'groupIds', count: 2, requested: 2, fromRun: origin });
    expect(rerun.counts).toMatchObject({ modified: 1, unchanged: 1, failed: 0, duplicated: 0 });
    const items = await groupItems(rerun.id);
    expect(items.map((item: { groupId: string }) => item.groupId).sort()).toEqual(
      [duplicated.id, failed.id].sort(),
    );
    expect(await bed.t.app.db('groups').where({ id: duplicated.id }).first()).toMatchObject({
      name: 'Rerun Free Name',
    });

    const none = await bed.t.http
      .post('/api/sync')
      .set('cookie', bed.t.adminCookie)
      .send({ selection: { fromRun: { runId: rerun.id, outcomes: ['failed', 'duplicated'] } } })
      .expect(400);
    expect(none.body).toMatchObject({ code: 'no_groups_selected' });
  });

  it('refuses a run of groups while another run (of users) is running', async () => {
    const [running] = await bed.t.app
      .db('sync_runs')
      .insert({
        status: 'running',
        selection: JSON.stringify({ kind: 'userIds', userIds: [], requested: 0 }),
        requested_by: JSON.stringify({ kind: 'administrator', id: null, name: 'admin' }),
        started_at: bed.t.app.db.fn.now(),
      })
      .returning('id');
    try {
      const group = await importedGroup('Waiting Group', []);
      const refused = await bed.t.http
        .post('/api/sync')
        .set('cookie', bed.t.adminCookie)
        .send({ selection: { groupIds: [group.id] } })
        .expect(409);
      expect(refused.body).toMatchObject({ code: 'sync_already_running', runningRunId: running.id });
    } finally {
      await bed.t.app.db('sync_runs').where({ id: running.id }).update({ status: 'interrupted' });
    }
  });
});
