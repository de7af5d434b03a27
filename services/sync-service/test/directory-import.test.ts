import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Simulator } from '@adsync/tenant-sim';
import { SECRET, startDirectorySimulator, TENANT } from './directory/directory-harness';
import { startTestApp, type TestApp } from './support/harness';

let sim: Simulator;
let t: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 50 });
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestApp({}, { logger: { level: 'trace', stream: logStream } });
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

const connection = () => ({
  tenantId: TENANT.tenantId,
  clientId: TENANT.clientId,
  clientSecret: SECRET,
  authorityHost: sim.authorityHost,
  graphBaseUrl: sim.graphBaseUrl,
});
const admin = <T extends { set: (k: string, v: string) => T }>(request: T) =>
  request.set('cookie', t.adminCookie);

describe('Azure AD connection settings', () => {
  it('refuses directory work until a connection is configured', async () => {
    const response = await admin(t.http.get('/api/directory/users?search=a')).expect(409);
    expect(response.body.code).toBe('azure_ad_not_configured');
  });

  it('stores the secret write-only and encrypted', async () => {
    const saved = await admin(t.http.put('/api/settings/azure-ad')).send(connection()).expect(200);
    expect(saved.body).toMatchObject({ configured: true, clientSecretSet: true, tenantId: TENANT.tenantId });
    const read = await admin(t.http.get('/api/settings/azure-ad')).expect(200);
    expect(JSON.stringify(read.body)).not.toContain(SECRET);
    const stored = await t.app.db('azure_ad_connection').first();
    expect(JSON.stringify(stored)).not.toContain(SECRET);

    // Saving without a secret keeps the stored one.
    const { clientSecret: _omitted, ...withoutSecret } = connection();
    await admin(t.http.put('/api/settings/azure-ad')).send(withoutSecret).expect(200);
    const test = await admin(t.http.post('/api/settings/azure-ad/test')).expect(200);
    expect(test.body).toMatchObject({ ok: true, code: 'ok' });
    expect(test.body.sampleUser.email).toMatch(/@northwind\.example$/);
  });

  it('refuses an http:// endpoint and unknown fields', async () => {
    const insecure = await admin(t.http.put('/api/settings/azure-ad'))
      .send({ ...connection(), authorityHost: 'http://127.0.0.1:1' })
      .expect(400);
    expect(insecure.body.code).toBe('validation_failed');
    await admin(t.http.put('/api/settings/azure-ad'))
      .send({ ...connection(), color: 'blue' })
      .expect(400);
  });

  it('says precisely why a connection does not work', async () => {
    await admin(t.http.put('/api/settings/azure-ad'))
      .send({ ...connection(), clientSecret: 'wrong' })
      .expect(200);
    const wrongSecret = await admin(t.http.post('/api/settings/azure-ad/test')).expect(200);
    expect(wrongSecret.body).toMatchObject({ ok: false, code: 'invalid_secret' });

    await admin(t.http.put('/api/settings/azure-ad'))
      .send({ ...connection(), clientId: randomUUID() })
      .expect(200);
    const wrongClient = await admin(t.http.post('/api/settings/azure-ad/test')).expect(200);
    expect(wrongClient.body).toMatchObject({ ok: false, code: 'invalid_client' });

    await admin(t.http.put('/api/settings/azure-ad'))
      .send({ ...connection(), tenantId: randomUUID() })
      .expect(200);
    const wrongTenant = await admin(t.http.post('/api/settings/azure-ad/test')).expect(200);
    expect(wrongTenant.body).toMatchObject({ ok: false, code: 'tenant_not_found' });

    await admin(t.http.put('/api/settings/azure-ad')).send(connection()).expect(200);
  });
});

describe('importing users', () => {
  it('searches the tenant and flags imported users and duplicates', async () => {
    const someone = sim.tenant().user(3)!.user;
    const found = await admin(
      t.http.get(`/api/directory/users?search=${encodeURIComponent(someone.givenName!)}`),
    ).expect(200);
    const hit = found.body.items.find((item: { objectId: string }) => item.objectId === someone.id);
    expect(hit).toMatchObject({ status: 'available', userPrincipalName: someone.userPrincipalName });
  });

  it('lists up to `limit` users and says when more match, so the search can be narrowed', async () => {
    const firstFive = await admin(t.http.get('/api/directory/users?limit=5')).expect(200);
    expect(firstFive.body.items).toHaveLength(5);
    expect(firstFive.body.moreMatches).toBe(true);

    const everyone = await admin(t.http.get('/api/directory/users?limit=1000')).expect(200);
    const tenantSize = everyone.body.items.length;
    expect(tenantSize).toBeGreaterThanOrEqual(50);
    expect(everyone.body.moreMatches).toBe(false);

    const exactlyAll = await admin(t.http.get(`/api/directory/users?limit=${tenantSize}`)).expect(200);
    expect(exactlyAll.body.items).toHaveLength(tenantSize);
    expect(exactlyAll.body.moreMatches).toBe(false);

    const tooMany = await admin(t.http.get('/api/directory/users?limit=1001')).expect(400);
    expect(tooMany.body.code).toBe('validation_failed');
  });

  it('imports, refuses duplicates by email and by username, and reports missing users', async () => {
    const directoryUsers = [0, 1, 2, 3, 4].map((index) => sim.tenant().user(index)!.user);
    const [byEmail, byUsername] = directoryUsers;
    await admin(t.http.post('/api/users'))
      .send({ username: 'local.one', email: (byEmail.mail ?? byEmail.userPrincipalName).toUpperCase() })
      .expect(201);
    await admin(t.http.post('/api/users'))
      .send({ username: byUsername.userPrincipalName, email: 'someone.else@example.com' })
      .expect(201);
    const missing = randomUUID();

    const response = await admin(t.http.post('/api/imported-users'))
      .send({ objectIds: [...directoryUsers.map((user) => user.id), missing] })
      .expect(200);
    expect(response.body.counts).toEqual({
      imported: 3,
      already_imported: 0,
      duplicate: 2,
      not_found: 1,
      failed: 0,
    });
    const outcome = (id: string) =>
      response.body.results.find((item: { objectId: string }) => item.objectId === id);
    expect(outcome(byEmail.id)).toMatchObject({
      outcome: 'duplicate',
      duplicateOf: { username: 'local.one', field: 'email' },
    });
    expect(outcome(byUsername.id)).toMatchObject({
      outcome: 'duplicate',
      duplicateOf: { field: 'username' },
    });
    expect(outcome(missing).outcome).toBe('not_found');
    const imported = outcome(directoryUsers[2].id);
    expect(imported.user).toMatchObject({
      source: 'azure_ad',
      objectId: directoryUsers[2].id,
      tenantId: TENANT.tenantId,
      username: directoryUsers[2].userPrincipalName,
      firstName: directoryUsers[2].givenName,
    });

    const again = await admin(t.http.post('/api/imported-users'))
      .send({ objectIds: [directoryUsers[2].id] })
      .expect(200);
    expect(again.body.counts.already_imported).toBe(1);

    const listed = await admin(t.http.get('/api/imported-users')).expect(200);
    expect(listed.body.total).toBe(3);
    const search = await admin(
      t.http.get(`/api/directory/users?search=${encodeURIComponent(directoryUsers[2].givenName!)}`),
    );
    expect(
      search.body.items.find((item: { objectId: string }) => item.objectId === directoryUsers[2].id).status,
    ).toBe('imported');
  });

  it('reports a user that Graph failed to read as failed, never as missing', async () => {
    sim.setFaults([{ route: '*', kind: 'status', status: 503 }]);
    try {
      const user = sim.tenant().user(10)!.user;
      const response = await admin(t.http.post('/api/imported-users'))
        .send({ objectIds: [user.id] })
        .expect(200);
      expect(response.body.counts).toMatchObject({ failed: 1, not_found: 0, imported: 0 });
      expect(response.body.results[0].reason).toEqual(expect.any(String));
      expect(await t.app.db('users').where({ object_id: user.id }).first()).toBeUndefined();
    } finally {
      sim.clearFaults();
    }
  });

  it('imports a user disabled in Azure AD inactive, unless the policy ignores the account state', async () => {
    const [disabled, enabled, ignored] = [20, 21, 22].map((index) => sim.tenant().userId(index));
    sim.tenant().updateUser(disabled, { accountEnabled: false });
    sim.tenant().updateUser(enabled, { accountEnabled: true });
    sim.tenant().updateUser(ignored, { accountEnabled: false });
    const stored = (objectId: string) =>
      t.app.db('users').where({ object_id: objectId }).first('is_active', 'deactivated_by_sync');

    await admin(t.http.post('/api/imported-users'))
      .send({ objectIds: [disabled, enabled] })
      .expect(200);
    expect(await stored(disabled)).toEqual({ is_active: false, deactivated_by_sync: true });
    expect(await stored(enabled)).toEqual({ is_active: true, deactivated_by_sync: false });

    const policy = await admin(t.http.get('/api/settings/sync')).expect(200);
    await admin(t.http.put('/api/settings/sync'))
      .send({ ...policy.body, accountState: 'ignore' })
      .expect(200);
    try {
      await admin(t.http.post('/api/imported-users'))
        .send({ objectIds: [ignored] })
        .expect(200);
      expect(await stored(ignored)).toEqual({ is_active: true, deactivated_by_sync: false });
    } finally {
      await admin(t.http.put('/api/settings/sync')).send(policy.body).expect(200);
    }
  });

  it('rejects bad object ids before calling Azure AD', async () => {
    const response = await admin(t.http.post('/api/imported-users'))
      .send({ objectIds: ["1' or 1=1"] })
      .expect(400);
    expect(response.body.code).toBe('validation_failed');
  });

  it('never writes the client secret to the logs', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('\n')).not.toContain(SECRET);
  });
});
