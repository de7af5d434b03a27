import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { bootstrapAdministrator } from '../../src/features/auth/bootstrap';
import { signInAccount } from '../../src/features/auth/sign-in-backoff';
import { hashToken } from '../../src/features/auth/tokens';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { startServiceProcess } from '../schedule/service-processes';
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
  // Each failed attempt names another account, so that the per-account back-off (below) plays no part.
  it('answers the 11th attempt in a minute from one address with a 429 problem, even with the right password', async () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      expect(
        (await signInFrom('203.0.113.10', { ...wrongPassword, username: `guess-${attempt}` })).status,
      ).toBe(401);
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
        .send({ ...wrongPassword, username: `forwarded-${attempt}` });
      statuses.push(response.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('per-account sign-in back-off (stored in the database)', () => {
  let address = 0;
  /** Every attempt from an address of its own: only the per-account back-off can refuse it. */
  const attempt = (credentials: { username: string; password: string }) =>
    signInFrom(`192.0.2.${++address}`, credentials);
  /** Lets the account's current wait run out, as time would. */
  const waitOut = (username: string, administratorId?: string) =>
    t.app
      .db('sign_in_backoff')
      .where({ account_key: signInAccount(administratorId, username) })
      .update({ blocked_until: t.app.db.raw("now() - interval '1 millisecond'") });
  /** The account's failures, and the wait its last one started. */
  const waits = async (username: string, administratorId?: string) =>
    t.app
      .db('sign_in_backoff')
      .where({ account_key: signInAccount(administratorId, username) })
      .first('failures', t.app.db.raw('extract(epoch from blocked_until - last_attempt_at)::int as seconds'));
  const adminId = async () => (await t.app.db('administrators').where({ username: 'admin' }).first()).id;

  it('refuses the 6th attempt after 5 failures for 30 s, even with the right password, and doubles each wait', async () => {
    for (let failure = 1; failure <= 5; failure += 1) expect((await attempt(wrongPassword)).status).toBe(401);
    const refused = await attempt(adminCredentials);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('too_many_requests');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(await waits('admin', await adminId())).toEqual({ failures: 5, seconds: 30 });

    for (const [failures, seconds] of [
      [6, 60],
      [7, 120],
    ]) {
      await waitOut('admin', await adminId());
      expect((await attempt(wrongPassword)).status).toBe(401);
      expect((await attempt(adminCredentials)).status).toBe(429);
      expect(await waits('admin', await adminId())).toEqual({ failures, seconds });
    }
    await waitOut('admin', await adminId());
    expect((await attempt(adminCredentials)).status).toBe(200);
    // Success clears the account: five more failures are allowed before the next wait.
    expect(
      await t.app.db('sign_in_backoff').where({ account_key: signInAccount(await adminId(), 'admin') }),
    ).toEqual([]);
  });

  it('treats an unknown username exactly like a known one, so it reveals nothing', async () => {
    const comparable = (response: Awaited<ReturnType<typeof attempt>>) => {
      const { requestId: _id, ...problem } = response.body;
      return { status: response.status, retryAfter: response.headers['retry-after'], problem };
    };
    const sequence = async (credentials: { username: string; password: string }) => {
      const answers = [];
      for (let count = 1; count <= 7; count += 1) answers.push(comparable(await attempt(credentials)));
      // Retry-After counts down with the clock; that it is there is what the comparison needs.
      return answers.map((answer) => ({ ...answer, retryAfter: answer.retryAfter !== undefined }));
    };
    const known = await sequence(wrongPassword);
    const unknown = await sequence({ username: 'no-such-administrator', password: 'not-the-password' });
    expect(unknown).toEqual(known);
    expect(known.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    await waitOut('admin', await adminId());
    expect((await attempt(adminCredentials)).status).toBe(200);
  });

  it('lets at most 5 of 20 simultaneous wrong attempts on one account be checked', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => attempt({ username: 'burst-target', password: 'wrong-password' })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
  });

  it('holds across replicas: failures counted by one instance block the account on another', async () => {
    // A second app on the same database, as a second replica would be (its close leaves the database open).
    const replica = await buildApp({
      config: t.app.config,
      database: { ...t.app.database, close: async () => {} },
      contract: t.app.contract,
      secretBox: new SecretBox(randomBytes(32)),
    });
    await replica.ready();
    try {
      const onReplica = () =>
        request(replica.server)
          .post('/api/auth/sign-in')
          .set('x-forwarded-for', `192.0.2.${++address}`)
          .send({ username: 'replicated', password: 'wrong-password' });
      const statuses: number[] = [];
      for (let count = 0; count < 3; count += 1)
        statuses.push((await attempt({ username: 'replicated', password: 'wrong-password' })).status);
      for (let count = 0; count < 2; count += 1) statuses.push((await onReplica()).status);
      statuses.push((await attempt({ username: 'replicated', password: 'wrong-password' })).status);
      statuses.push((await onReplica()).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    } finally {
      await replica.close();
    }
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

describe('password policy for administrators (ADMIN_PASSWORD)', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['one character', 'a', /it has 1 characters; at least 12 are needed/],
    ['11 characters', 'abcdefghijk', /it has 11 characters/],
    ['a common password of 12 characters', 'Password1234', /list of commonly used passwords/],
    ['another common one', 'qwertyuiop12', /list of commonly used passwords/],
    ['the username', 'administrator', /it is the username/],
    ['longer than sign-in accepts', 'x'.repeat(501), /more than 500 characters/],
  ];

  it.each(refused)(
    'refuses %s at start, with the reason, before the database is touched',
    (_label, password, reason) => {
      const load = () => loadConfig({ ADMIN_USERNAME: 'Administrator', ADMIN_PASSWORD: password });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/ADMIN_PASSWORD is not accepted/);
      expect(load).toThrow(reason);
    },
  );

  it('accepts 12 characters that are not a common password, and counts characters, not bytes', () => {
    expect(loadConfig({ ADMIN_PASSWORD: 'plum-otter-42' }).ADMIN_PASSWORD).toBe('plum-otter-42');
    // 12 characters of 4 bytes each in UTF-8 (and 2 UTF-16 units each) are still 12 characters.
    expect(() => loadConfig({ ADMIN_PASSWORD: '\u{1F510}'.repeat(11) })).toThrow(/it has 11 characters/);
    expect(loadConfig({ ADMIN_PASSWORD: '\u{1F510}'.repeat(12) }).ADMIN_PASSWORD).toHaveLength(24);
  });

  it('is applied when the password is (re)set on start: a weak one leaves the stored hash as it was', async () => {
    const before = await t.app.db('administrators').where({ username: 'admin' }).first('password_hash');
    await expect(bootstrapAdministrator(t.app.db, 'admin', 'short')).rejects.toThrow(
      /ADMIN_PASSWORD is not accepted/,
    );
    await expect(bootstrapAdministrator(t.app.db, 'newcomer', 'password1234')).rejects.toThrow(
      /commonly used/,
    );
    expect(await t.app.db('administrators').where({ username: 'admin' }).first('password_hash')).toEqual(
      before,
    );
    expect(await t.app.db('administrators').where({ username: 'newcomer' }).first()).toBeUndefined();
  });

  it('stops the service process with a clear message and exit code 1 for ADMIN_PASSWORD=a', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-weak-password-'));
    try {
      const start = startServiceProcess({
        ...process.env,
        NODE_OPTIONS: '',
        PORT: '0',
        DATA_DIR: dataDir,
        ADMIN_PASSWORD: 'a',
        WEB_DIST_DIR: '/nonexistent',
      });
      const failure = await start.then(
        (service) => {
          service.child.kill();
          return 'started';
        },
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/the service exited \(1\)/);
      expect(failure).toMatch(/ADMIN_PASSWORD is not accepted: it has 1 characters; at least 12 are needed/);
      // The message is the whole output: no stack trace.
      expect(failure).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
