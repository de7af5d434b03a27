import { hashToken } from '../src/features/auth/tokens';
import { adminCredentials, startTestApp, type TestApp } from './support/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ SESSION_TTL_MINUTES: '1', SIGN_IN_ATTEMPTS_PER_MINUTE: '50' });
});
afterAll(() => t.close());

describe('sign-in', () => {
  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrongPassword = await t.http
      .post('/api/auth/sign-in')
      .send({ ...adminCredentials, password: 'nope' });
    const unknownUser = await t.http.post('/api/auth/sign-in').send({ username: 'ghost', password: 'nope' });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknownUser.body.detail).toBe(wrongPassword.body.detail);
    expect(unknownUser.body.code).toBe('invalid_credentials');
  });

  it('sets an httpOnly SameSite=Strict session cookie and knows who signed in', async () => {
    const signIn = await t.http.post('/api/auth/sign-in').send(adminCredentials).expect(200);
    const cookie = String(signIn.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const me = await t.http.get('/api/auth/me').set('cookie', cookie.split(';')[0]).expect(200);
    expect(me.body).toMatchObject({ kind: 'administrator', name: 'admin' });
    expect(me.body.scopes).toContain('sync:run');
  });

  it('rejects unknown body properties instead of dropping them', async () => {
    const response = await t.http
      .post('/api/auth/sign-in')
      .send({ ...adminCredentials, admin: true })
      .expect(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors).toEqual([{ path: 'body.admin', message: 'is not allowed' }]);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const response = await t.http
      .post('/api/auth/sign-in')
      .set('content-type', 'application/json')
      .send('{"username": ')
      .expect(400);
    expect(response.body.code).toBe('malformed_json');
  });

  it('ends a session on sign-out', async () => {
    const signIn = await t.http.post('/api/auth/sign-in').send(adminCredentials).expect(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0];
    await t.http.post('/api/auth/sign-out').set('cookie', cookie).expect(204);
    await t.http.get('/api/auth/me').set('cookie', cookie).expect(401);
  });

  it('refuses an expired session', async () => {
    const signIn = await t.http.post('/api/auth/sign-in').send(adminCredentials).expect(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0];
    await t.app
      .db('sessions')
      .where({ token_hash: hashToken(cookie.split('=')[1]) })
      .update({ expires_at: t.app.db.raw("now() - interval '1 second'") });
    const response = await t.http.get('/api/auth/me').set('cookie', cookie).expect(401);
    expect(response.body.code).toBe('unauthorized');
  });
});

describe('access to /api', () => {
  it('needs an identity everywhere but health', async () => {
    await t.http.get('/healthz').expect(200);
    await t.http.get('/readyz').expect(200);
    const response = await t.http.get('/api/imported-users').expect(401);
    expect(response.body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(response.body.requestId).toEqual(expect.any(String));
  });

  it('gives an API key only the operations of its scopes, and nothing once revoked', async () => {
    const key = await t.apiKey(['users:read']);
    await t.http.get('/api/imported-users').set('authorization', `Bearer ${key}`).expect(200);
    const forbidden = await t.http.get('/api/sync/runs').set('authorization', `Bearer ${key}`);
    expect([403, 404]).toContain(forbidden.status);
    const adminOnly = await t.http.get('/api/api-keys').set('authorization', `Bearer ${key}`).expect(403);
    expect(adminOnly.body.code).toBe('forbidden');

    const keys = await t.http.get('/api/api-keys').set('cookie', t.adminCookie).expect(200);
    const listed = keys.body.items.find((item: { prefix: string }) => key.startsWith(item.prefix));
    expect(listed).toBeDefined();
    expect(JSON.stringify(keys.body)).not.toContain(key);
    await t.http.delete(`/api/api-keys/${listed.id}`).set('cookie', t.adminCookie).expect(204);
    await t.http.get('/api/imported-users').set('authorization', `Bearer ${key}`).expect(401);
  });

  it('refuses a cross-site state change carried by the session cookie', async () => {
    const response = await t.http
      .post('/api/api-keys')
      .set('cookie', t.adminCookie)
      .set('origin', 'https://evil.example')
      .send({ name: 'x', scopes: ['users:read'] })
      .expect(403);
    expect(response.body.code).toBe('forbidden');
  });

  it('records administrator actions in the audit trail', async () => {
    const events = await t.http.get('/api/audit-events?limit=100').set('cookie', t.adminCookie).expect(200);
    const actions = events.body.items.map((event: { action: string }) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['administrator.signed_in', 'api_key.created', 'api_key.revoked']),
    );
  });
});
