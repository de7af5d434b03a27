import { seedImportedUsers } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const admin = <T extends { set: (name: string, value: string) => T }>(request: T) =>
  request.set('cookie', t.adminCookie);

async function createUser(username: string) {
  const created = await admin(t.http.post('/api/users'))
    .send({ username, email: `${username}@example.com` })
    .expect(201);
  return created.body.id as string;
}

/** What the tables hold, to show that a refused request changed nothing. */
async function snapshot() {
  return {
    groups: await t.app.db('groups').orderBy('id').select(),
    members: await t.app.db('group_members').orderBy(['group_id', 'user_id']).select(),
  };
}

describe('local groups', () => {
  it('are created, renamed, described and deleted, with names unique in any case', async () => {
    const created = await admin(t.http.post('/api/groups'))
      .send({ name: 'Finance Readers', description: 'Read the finance reports' })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Finance Readers',
      description: 'Read the finance reports',
      source: 'local',
      objectId: null,
      tenantId: null,
      memberCount: 0,
      lastSyncedAt: null,
    });
    const id = created.body.id as string;

    const before = await snapshot();
    const taken = await admin(t.http.post('/api/groups')).send({ name: 'FINANCE readers' }).expect(409);
    expect(taken.body).toMatchObject({
      code: 'group_name_taken',
      duplicateOfGroup: { groupId: id, name: 'Finance Readers' },
    });
    const other = await admin(t.http.post('/api/groups')).send({ name: 'Sales' }).expect(201);
    const renameTaken = await admin(t.http.patch(`/api/groups/${other.body.id}`))
      .send({ name: 'finance READERS' })
      .expect(409);
    expect(renameTaken.body.code).toBe('group_name_taken');
    expect((await snapshot()).groups).toHaveLength(before.groups.length + 1);

    // A group may change the case of its own name.
    const renamed = await admin(t.http.patch(`/api/groups/${id}`))
      .send({ name: 'FINANCE Readers', description: null })
      .expect(200);
    expect(renamed.body).toMatchObject({ name: 'FINANCE Readers', description: null });
    expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    expect((await admin(t.http.get(`/api/groups/${id}`)).expect(200)).body.name).toBe('FINANCE Readers');

    await admin(t.http.delete(`/api/groups/${other.body.id}`)).expect(204);
    await admin(t.http.get(`/api/groups/${other.body.id}`)).expect(404);
    // The name is free again once its group is gone.
    await admin(t.http.post('/api/groups')).send({ name: 'sales' }).expect(201);
  });

  it('refuse bad input with a problem and change nothing', async () => {
    const { body: group } = await admin(t.http.post('/api/groups')).send({ name: 'Bad Input' }).expect(201);
    const before = await snapshot();
    for (const body of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(257) },
      { name: 'ok', color: 'blue' },
      { name: 'nul\u0000name' },
      { name: 'lone \ud800 surrogate' },
      { name: 42 },
    ]) {
      const refused = await admin(t.http.post('/api/groups')).send(body).expect(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('validation_failed');
    }
    await admin(t.http.patch(`/api/groups/${group.id}`))
      .send({})
      .expect(400);
    await admin(t.http.patch('/api/groups/not-a-uuid')).send({ name: 'x' }).expect(400);
    await admin(t.http.post(`/api/groups/${group.id}/members`))
      .send({ userIds: [] })
      .expect(400);
    await admin(t.http.post(`/api/groups/${group.id}/members`))
      .send({ userIds: ['x'] })
      .expect(400);
    expect(await snapshot()).toEqual(before);
  });

  it('gain and lose members, listed by username a page at a time', async () => {
    const { body: group } = await admin(t.http.post('/api/groups')).send({ name: 'Members' }).expect(201);
    const userIds = [];
    for (const name of ['carol', 'alan', 'Beth', 'dave', 'erin']) userIds.push(await createUser(name));
    await seedImportedUsers(t.app.db, 'tenant-a', [{ username: 'imported.member@contoso.com' }]);
    const imported = await t.app.db('users').where({ username: 'imported.member@contoso.com' }).first('id');

    const added = await admin(t.http.post(`/api/groups/${group.id}/members`))
      .send({ userIds: [...userIds.slice(0, 4), imported.id] })
      .expect(200);
    expect(added.body).toEqual({ added: 5, alreadyMembers: 0 });
    const again = await admin(t.http.post(`/api/groups/${group.id}/members`))
      .send({ userIds: userIds.slice(3) })
      .expect(200);
    expect(again.body).toEqual({ added: 1, alreadyMembers: 1 });

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await admin(t.http.get(`/api/groups/${group.id}/members?limit=2${query}`)).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      names.push(...page.body.items.map((user: { username: string }) => user.username));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(names).toEqual(['alan', 'Beth', 'carol', 'dave', 'erin', 'imported.member@contoso.com']);
    expect((await admin(t.http.get(`/api/groups/${group.id}`)).expect(200)).body.memberCount).toBe(6);
    const searched = await admin(t.http.get(`/api/groups/${group.id}/members?search=dav`)).expect(200);
    expect(searched.body.items.map((user: { username: string }) => user.username)).toEqual(['dave']);

    await admin(t.http.delete(`/api/groups/${group.id}/members/${userIds[0]}`)).expect(204);
    const notMember = await admin(t.http.delete(`/api/groups/${group.id}/members/${userIds[0]}`)).expect(404);
    expect(notMember.body.code).toBe('not_found');

    // Deleting a user takes it out of its groups; deleting the group leaves its users.
    await admin(t.http.delete(`/api/users/${userIds[1]}`)).expect(204);
    expect((await admin(t.http.get(`/api/groups/${group.id}`)).expect(200)).body.memberCount).toBe(4);
    await admin(t.http.delete(`/api/groups/${group.id}`)).expect(204);
    await admin(t.http.get(`/api/groups/${group.id}/members`)).expect(404);
    await admin(t.http.get(`/api/users/${userIds[2]}`)).expect(200);
  });

  it('add nobody when one of the users does not exist', async () => {
    const { body: group } = await admin(t.http.post('/api/groups')).send({ name: 'All or none' }).expect(201);
    const real = await createUser('frank');
    const missing = '00000000-0000-4000-8000-000000000000';
    const before = await snapshot();
    const refused = await admin(t.http.post(`/api/groups/${group.id}/members`))
      .send({ userIds: [real, missing] })
      .expect(404);
    expect(refused.body).toMatchObject({
      code: 'not_found',
      errors: [{ path: 'body.userIds', message: `No user ${missing}` }],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('leave imported groups to import and sync', async () => {
    const [imported] = await t.app
      .db('groups')
      .insert({ name: 'From Azure', source: 'azure_ad', tenant_id: 'tenant-a', object_id: 'abc' })
      .returning('id');
    const member = await createUser('gina');
    const before = await snapshot();
    for (const refused of [
      admin(t.http.patch(`/api/groups/${imported.id}`)).send({ name: 'Renamed' }),
      admin(t.http.delete(`/api/groups/${imported.id}`)),
      admin(t.http.post(`/api/groups/${imported.id}/members`)).send({ userIds: [member] }),
      admin(t.http.delete(`/api/groups/${imported.id}/members/${member}`)),
    ]) {
      const response = await refused.expect(409);
      expect(response.body.code).toBe('group_is_imported');
    }
    expect(await snapshot()).toEqual(before);
    // A local group may not take an imported group's name either.
    const taken = await admin(t.http.post('/api/groups')).send({ name: 'FROM AZURE' }).expect(409);
    expect(taken.body.duplicateOfGroup).toEqual({ groupId: imported.id, name: 'From Azure' });
  });

  it('are listed by name, filtered by source and searched, a page at a time', async () => {
    const all = await admin(t.http.get('/api/groups?limit=500')).expect(200);
    const names = all.body.items.map((group: { name: string }) => group.name);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const imported = await admin(t.http.get('/api/groups?source=azure_ad')).expect(200);
    expect(imported.body.items.map((group: { name: string }) => group.name)).toEqual(['From Azure']);
    const searched = await admin(t.http.get('/api/groups?search=INANCE')).expect(200);
    expect(searched.body.items.map((group: { name: string }) => group.name)).toEqual(['FINANCE Readers']);
    const first = await admin(t.http.get('/api/groups?limit=1')).expect(200);
    const second = await admin(
      t.http.get(`/api/groups?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`),
    ).expect(200);
    expect(second.body.items[0].name).toBe(names[1]);
    const forged = await admin(t.http.get('/api/groups?cursor=Zm9v')).expect(400);
    expect(forged.body.code).toBe('invalid_cursor');
  });

  it('are audited with who changed them', async () => {
    const trail = (await admin(t.http.get('/api/audit-events?limit=500')).expect(200)).body.items as Array<{
      action: string;
      actor: { kind: string };
    }>;
    const actions = new Set(trail.map((event) => event.action));
    for (const action of [
      'group.created',
      'group.updated',
      'group.deleted',
      'group.members_added',
      'group.member_removed',
    ]) {
      expect(actions).toContain(action);
    }
    expect(trail.find((event) => event.action === 'group.created')?.actor.kind).toBe('administrator');
  });

  it('are reached by API keys with the users scopes only', async () => {
    const reader = await t.apiKey(['users:read']);
    await t.http.get('/api/groups').set('authorization', `Bearer ${reader}`).expect(200);
    const refused = await t.http
      .post('/api/groups')
      .set('authorization', `Bearer ${reader}`)
      .send({ name: 'By key' })
      .expect(403);
    expect(refused.body.code).toBe('forbidden');
    const writer = await t.apiKey(['users:write']);
    await t.http
      .post('/api/groups')
      .set('authorization', `Bearer ${writer}`)
      .send({ name: 'By key' })
      .expect(201);
  });
});
