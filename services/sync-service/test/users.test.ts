import { seedImportedUsers } from './support/fixtures';
import { startTestApp, type TestApp } from './support/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const alice = { username: 'alice', firstName: 'Alice', lastName: 'Local', email: 'alice@example.com' };

describe('/api/users', () => {
  it('creates a local user and refuses another with the same email or username in any case', async () => {
    const created = await t.http.post('/api/users').set('cookie', t.adminCookie).send(alice).expect(201);
    expect(created.body).toMatchObject({ ...alice, source: 'local', isActive: true, objectId: null });

    const sameEmail = await t.http
      .post('/api/users')
      .set('cookie', t.adminCookie)
      .send({ username: 'alice2', email: 'ALICE@example.com' })
      .expect(409);
    expect(sameEmail.body).toMatchObject({
      code: 'email_taken',
      duplicateOf: { username: 'alice', field: 'email' },
    });
    const sameUsername = await t.http
      .post('/api/users')
      .set('cookie', t.adminCookie)
      .send({ username: 'ALICE', email: 'other@example.com' })
      .expect(409);
    expect(sameUsername.body.code).toBe('username_taken');
  });

  it('changes and deletes local users but leaves imported users to sync', async () => {
    const bob = await t.http
      .post('/api/users')
      .set('cookie', t.adminCookie)
      .send({ username: 'bob', email: 'bob@example.com' })
      .expect(201);
    const patched = await t.http
      .patch(`/api/users/${bob.body.id}`)
      .set('cookie', t.adminCookie)
      .send({ firstName: 'Bob', contactNumber: '+1 555' })
      .expect(200);
    expect(patched.body).toMatchObject({ firstName: 'Bob', contactNumber: '+1 555', username: 'bob' });
    await t.http.patch(`/api/users/${bob.body.id}`).set('cookie', t.adminCookie).send({}).expect(400);
    await t.http.delete(`/api/users/${bob.body.id}`).set('cookie', t.adminCookie).expect(204);
    await t.http.get(`/api/users/${bob.body.id}`).set('cookie', t.adminCookie).expect(404);

    await seedImportedUsers(t.app.db, 'tenant-a', [{ username: 'imported@contoso.com' }]);
    const imported = await t.http.get('/api/users?source=azure_ad').set('cookie', t.adminCookie).expect(200);
    const importedId = imported.body.items[0].id;
    const refused = await t.http
      .patch(`/api/users/${importedId}`)
      .set('cookie', t.adminCookie)
      .send({ firstName: 'X' })
      .expect(409);
    expect(refused.body.code).toBe('user_is_imported');
    await t.http.delete(`/api/users/${importedId}`).set('cookie', t.adminCookie).expect(409);
  });

  it('lists by source and search with cursor paging', async () => {
    for (const name of ['carol', 'dave', 'erin']) {
      await t.http
        .post('/api/users')
        .set('cookie', t.adminCookie)
        .send({ username: name, email: `${name}@example.com` })
        .expect(201);
    }
    const first = await t.http
      .get('/api/users?source=local&limit=2')
      .set('cookie', t.adminCookie)
      .expect(200);
    expect(first.body.items.map((user: { username: string }) => user.username)).toEqual(['alice', 'carol']);
    const second = await t.http
      .get(`/api/users?source=local&limit=2&cursor=${first.body.nextCursor}`)
      .set('cookie', t.adminCookie)
      .expect(200);
    expect(second.body.items.map((user: { username: string }) => user.username)).toEqual(['dave', 'erin']);
    const searched = await t.http.get('/api/users?search=AV').set('cookie', t.adminCookie).expect(200);
    expect(searched.body.items.map((user: { username: string }) => user.username)).toEqual(['dave']);
  });

  it('rejects bad input with a problem and changes nothing', async () => {
    const before = await t.app.db('users').count({ count: '*' }).first();
    for (const [method, url, body] of [
      ['post', '/api/users', { username: 'no email' }],
      ['post', '/api/users', { username: 'x', email: 'not-an-email' }],
      ['post', '/api/users', { username: 'x', email: 'x@example.com', role: 'admin' }],
      ['get', '/api/users?limit=0', undefined],
      ['get', '/api/users?source=ldap', undefined],
      ['get', '/api/users?cursor=garbage', undefined],
      ['get', '/api/users/not-a-uuid', undefined],
    ] as const) {
      const response = await t.http[method](url).set('cookie', t.adminCookie).send(body);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await t.app.db('users').count({ count: '*' }).first()).toEqual(before);
  });
});
