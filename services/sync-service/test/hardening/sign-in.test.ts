import { hashToken } from '../../src/features/auth/tokens';
import { adminCredentials, startTestApp, type TestApp } from '../support/harness';

let t: TestApp;
beforeAll(async () => {
  // As behind one reverse proxy: the address it appends to X-Forwarded-For is the client's.
  t = await startTestApp({
    SIGN_IN_ATTEMPTS_PER_MINUTE: '10',
    SESSION_TTL_MINUTES: '30',
    TRUST_PROXY_HOPS: '1',
  });
});
afterAll(() => t.close());

/** Each test signs in from an address of its own, so their attempts share no rate-limit bucket. */
const signInFrom = (address: string, credentials: { username: string; password: string }) =>
  t.http.post('/api/auth/sign-in').set('x-forwarded-for', address).send(credentials);

const wrongPassword = { ...adminCredentials, password: 'not-the-password' };

describe('sign-in rate limit (SIGN_IN_ATTEMPTS_PER_MINUTE=10)', () => {
  it('answers the 11th attempt in a minute from one address with a 429 problem, even with the right password', async () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      expect((await signInFrom('203.0.113.10', wrongPassword)).status).toBe(401);
    }
    const eleventh = await signInFrom('203.0.113.10', adminCredentials);
    expect(eleventh.status).toBe(429);
    expect(eleventh.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(eleventh.body.code).toBe('too_many_requests');
    expect((await signInFrom('203.0.113.11', adminCredentials)).status).toBe(200);
  });

  // The client writes the left-most X-Forwarded-For entries; only the proxy's own (the last) is believed.
  it('cannot be escaped by sending a different X-Forwarded-For with each attempt', async () => {
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 11; attempt += 1) {
      const response = await t.http
        .post('/api/auth/sign-in')
        .set('x-forwarded-for', `198.51.100.${attempt}, 203.0.113.99`)
        .send(wrongPassword);
      statuses.push(response.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('sign-in answers', () => {
  it('are the same for an unknown user and a wrong password', async () => {
    const unknownUser = await signInFrom('203.0.113.20', { username: 'nobody', password: 'whatever' });
    const badPassword = await signInFrom('203.0.113.20', wrongPassword);
    const comparable = (response: typeof unknownUser) => {
      const { requestId: _id, ...problem } = response.body;
      return { status: response.status, contentType: response.headers['content-type'], problem };
    };
    expect(comparable(unknownUser)).toEqual(comparable(badPassword));
    expect(badPassword.body.code).toBe('invalid_credentials');
  });
});

describe('security headers', () => {
  it.each([
    ['an API answer', '/api/auth/me', true],
    ['a refused request', '/api/users', false],
    ['a public route', '/healthz', false],
  ])('are set on %s', async (_label, url, signedIn) => {
    const request = t.http.get(url);
    const response = await (signedIn ? request.set('cookie', t.adminCookie) : request);
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('sessions', () => {
  const signIn = async (address: string) => {
    const response = await signInFrom(address, adminCredentials).expect(200);
    return { response, cookie: String(response.headers['set-cookie']).split(';')[0] };
  };

  it('live for SESSION_TTL_MINUTES in an httpOnly, SameSite=Strict cookie', async () => {
    const { response } = await signIn('203.0.113.30');
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Max-Age=1800/);
    const expiresInMinutes = (Date.parse(response.body.sessionExpiresAt) - Date.now()) / 60_000;
    expect(expiresInMinutes).toBeGreaterThan(29);
    expect(expiresInMinutes).toBeLessThanOrEqual(30);
  });

  it('stop working once expired', async () => {
    const { cookie } = await signIn('203.0.113.31');
    await t.http.get('/api/auth/me').set('cookie', cookie).expect(200);
    await t.app
      .db('sessions')
      .where({ token_hash: hashToken(cookie.split('=')[1]) })
      .update({ expires_at: t.app.db.raw("now() - interval '1 second'") });
    const expired = await t.http.get('/api/auth/me').set('cookie', cookie).expect(401);
    expect(expired.body.code).toBe('unauthorized');
  });

  it('are revoked by sign-out, and only the one signed out', async () => {
    const first = await signIn('203.0.113.32');
    const second = await signIn('203.0.113.32');
    await t.http.post('/api/auth/sign-out').set('cookie', first.cookie).expect(204);
    await t.http.get('/api/auth/me').set('cookie', first.cookie).expect(401);
    await t.http
      .post('/api/users')
      .set('cookie', first.cookie)
      .send({ username: 'x', email: 'x@y.z' })
      .expect(401);
    await t.http.get('/api/auth/me').set('cookie', second.cookie).expect(200);
  });
});
