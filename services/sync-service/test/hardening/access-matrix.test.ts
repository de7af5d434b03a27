import { allScopes } from '../../src/features/auth/identity';
import type { ContractOperation } from '../../src/infra/contract/contract';
import { outsideContract } from '../../src/infra/contract/plugin';
import { adminCredentials, buildTestApp, startTestApp, type TestApp } from '../support/harness';
import { validRequestFor } from './hostile-requests';
import { type KnownRecords, seedKnownRecords } from './known-records';
import { setAsideExplainedViolations } from './open-defects';
import { type RawResponse, type RawSender, rawSenderFor } from './raw-http';

/**
 * Every operation of openapi.yaml, called as each kind of caller; what each must get follows from the
 * operation's `security` alone, so a route added to the contract is covered without editing this test.
 */
let t: TestApp;
let known: KnownRecords;
let send: RawSender;
let closeSender: () => void;

beforeAll(async () => {
  // Every caller below signs in once; the limit itself is tested in sign-in.test.ts.
  t = await startTestApp({ SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' });
  known = await seedKnownRecords(t.app.db, () => t.apiKey(['users:read']));
  ({ send, close: closeSender } = await rawSenderFor(t.app));
});
afterAll(async () => {
  closeSender();
  setAsideExplainedViolations(t.app);
  await t.close();
});

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Verdict = number | 'allowed';

/** 401 and 403 are what this test is about; any other answer means access was granted. */
function verdictOf(response: RawResponse, method: string): Verdict {
  if (response.status !== 401 && response.status !== 403) return 'allowed';
  // A HEAD answer carries no body: its content type alone shows the problem.
  const problem = method === 'HEAD' ? { code: 'unread' } : (JSON.parse(response.body) as { code?: string });
  const isProblem = response.contentType.startsWith('application/problem+json') && Boolean(problem.code);
  return isProblem ? response.status : -response.status;
}

async function revokedKey(): Promise<string> {
  const key = await t.apiKey([...allScopes]);
  const id = (await t.app.db('api_keys').orderBy('created_at', 'desc').first('id')).id as string;
  await t.http.delete(`/api/api-keys/${id}`).set('cookie', t.adminCookie).expect(204);
  return key;
}

/** What the contract says each caller gets; `undefined` where a caller does not apply. */
function expectedAccess(operation: ContractOperation) {
  const scopes = operation.apiKeyScopes;
  const restricted = !operation.isPublic;
  const keyWithoutItsScopes = !restricted
    ? 'allowed'
    : scopes === null || scopes.length > 0
      ? 403
      : 'allowed';
  return {
    anonymous: restricted ? 401 : 'allowed',
    revokedKey: restricted ? 401 : 'allowed',
    keyWithoutItsScopes,
    keyWithExactlyItsScopes: !restricted ? 'allowed' : scopes === null ? 403 : 'allowed',
    administrator: 'allowed',
    administratorFromForeignOrigin: restricted && unsafeMethods.has(operation.method) ? 403 : 'allowed',
    // Fastify answers HEAD on every GET route: it must be guarded as the GET is.
    ...(operation.method === 'GET' && {
      anonymousHead: restricted ? 401 : 'allowed',
      keyWithoutItsScopesHead: keyWithoutItsScopes,
    }),
  };
}

describe('access to every operation of the contract', () => {
  it('follows from its security requirement', async () => {
    const revoked = await revokedKey();
    const actual: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const [index, operation] of t.app.contract.operations.entries()) {
      const generated = validRequestFor(operation, known, index);
      // Sign-in is public: with the right password every caller gets in, whatever else it sends.
      const request =
        operation.operationId === 'signIn'
          ? { ...generated, payload: JSON.stringify(adminCredentials) }
          : generated;
      const as = async (identity: Record<string, string>, method = request.method) =>
        verdictOf(await send({ ...request, method, headers: { ...request.headers, ...identity } }), method);
      const bearer = async (scopes: string[]) => ({ authorization: `Bearer ${await t.apiKey(scopes)}` });
      // Scopes an operation needs for some of its effects (x-scopes-by-effect) belong to "its scopes" too.
      const needed = [...(operation.apiKeyScopes ?? []), ...scopesByEffect(operation)];
      const otherScopes = allScopes.filter((scope) => !needed.includes(scope));
      const name = `${operation.method} ${operation.path}`;
      expected[name] = expectedAccess(operation);
      actual[name] = {
        anonymous: await as({}),
        revokedKey: await as({ authorization: `Bearer ${revoked}` }),
        keyWithoutItsScopes: await as(await bearer(otherScopes)),
        // A key needs at least one scope; an admin-only operation is tried with every scope.
        keyWithExactlyItsScopes: await as(await bearer(needed.length > 0 ? needed : [...allScopes])),
        // Signing out would end the session the other calls use, so its cookie case uses a fresh one.
        administrator: await as({
          cookie: operation.operationId === 'signOut' ? await freshSession() : t.adminCookie,
        }),
        administratorFromForeignOrigin: await as({ cookie: t.adminCookie, origin: 'https://evil.example' }),
        ...(operation.method === 'GET' && {
          anonymousHead: await as({}, 'HEAD'),
          keyWithoutItsScopesHead: await as(await bearer(otherScopes), 'HEAD'),
        }),
      };
    }
    expect(actual).toEqual(expected);
  });
});

/** The operation's `x-scopes-by-effect`: scopes needed only when a request has a certain effect. */
function scopesByEffect(operation: ContractOperation): string[] {
  const paths = t.app.contract.document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const effects = paths[operation.path][operation.method.toLowerCase()]['x-scopes-by-effect'];
  return effects ? Object.keys(effects) : [];
}

describe('scopes checked for what an operation causes', () => {
  const asKey = async (scopes: string[]) => `Bearer ${await t.apiKey(scopes)}`;
  const putSchedule = (authorization: string, body: Record<string, unknown>) =>
    t.http.put('/api/sync/schedule').set('authorization', authorization).send(body);
  const stored = () => t.app.db('sync_schedule').where({ id: 1 }).first();
  const webhookUrl = 'https://user:pw@hooks.example.com/services/T0/B0/tok3n?token=very-secret';

  it('enabling or re-timing the schedule needs sync:run as well as settings:write', async () => {
    expect(
      scopesByEffect(t.app.contract.operations.find((o) => o.operationId === 'putSyncSchedule')!),
    ).toEqual(['sync:run']);
    const settingsOnly = await asKey(['settings:write']);
    const withSyncRun = await asKey(['settings:write', 'sync:run']);
    await putSchedule(settingsOnly, { enabled: false, intervalMinutes: 60 }).expect(200);

    const before = await stored();
    const refused = await putSchedule(settingsOnly, { enabled: true, intervalMinutes: 1 }).expect(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('sync:run') });
    expect(await stored()).toEqual(before);

    await putSchedule(withSyncRun, { enabled: true, intervalMinutes: 60, webhookUrl }).expect(200);
    const enabled = await stored();
    // Changing when an enabled schedule runs (interval, cron, time zone) is refused the same way.
    for (const cadence of [
      { intervalMinutes: 1 },
      { cron: '* * * * *' },
      { cron: '0 2 * * *', timezone: 'Europe/Paris' },
    ]) {
      await putSchedule(settingsOnly, { enabled: true, webhookUrl, ...cadence }).expect(403);
      expect(await stored()).toEqual(enabled);
    }
    // Who is told, and switching it off, start no run: settings:write is enough.
    await putSchedule(settingsOnly, {
      enabled: true,
      intervalMinutes: 60,
      webhookUrl: 'https://hooks.example.com/other',
      notifyEmails: ['ops@contoso.example'],
    }).expect(200);
    await putSchedule(settingsOnly, { enabled: false, intervalMinutes: 60 }).expect(200);
    expect(await stored()).toMatchObject({ enabled: false, next_run_at: null });
    // An administrator holds every scope.
    await t.http
      .put('/api/sync/schedule')
      .set('cookie', t.adminCookie)
      .send({ enabled: true, intervalMinutes: 45 })
      .expect(200);
    await t.http
      .put('/api/sync/schedule')
      .set('cookie', t.adminCookie)
      .send({ enabled: false, intervalMinutes: 45 })
      .expect(200);
  });

  it('shows the webhook URL whole only to callers who can change the settings', async () => {
    await t.http
      .put('/api/sync/schedule')
      .set('cookie', t.adminCookie)
      .send({ enabled: false, intervalMinutes: 60, webhookUrl })
      .expect(200);
    const seenBy = async (authorization: Record<string, string>) =>
      (await t.http.get('/api/sync/schedule').set(authorization).expect(200)).body.webhookUrl;
    const masked = 'https://hooks.example.com';
    expect(await seenBy({ authorization: await asKey(['sync:read']) })).toBe(masked);
    expect(await seenBy({ authorization: await asKey(['sync:read', 'settings:read']) })).toBe(masked);
    expect(
      await seenBy({ authorization: await asKey([...allScopes].filter((s) => s !== 'settings:write')) }),
    ).toBe(masked);
    expect(await seenBy({ authorization: await asKey(['sync:read', 'settings:write']) })).toBe(webhookUrl);
    expect(await seenBy({ cookie: t.adminCookie })).toBe(webhookUrl);
  });
});

describe('routes outside the contract', () => {
  // A path of the contract with a method it does not describe is refused too, and so is a lone HEAD.
  it.each([
    ['GET', '/undocumented'],
    ['DELETE', '/healthz'],
    ['HEAD', '/head-only'],
  ] as const)('do not start unless declared public on purpose: %s %s', async (method, url) => {
    const app = await buildTestApp();
    app.register(async (scope) => {
      scope.route({ method, url, handler: async () => ({ served: true }) });
    });
    await expect(app.ready()).rejects.toThrow(`${method} ${url} is served but missing from openapi.yaml`);
    await app.close();
  });

  it('start when declared public on purpose, and ask no identity', async () => {
    const app = await buildTestApp();
    app.register(
      outsideContract('a page for anyone', async (scope) => {
        scope.get('/outside', async () => ({ served: true }));
      }),
    );
    await app.ready();
    expect(app.routesOutsideContract).toContainEqual({
      method: 'GET',
      url: '/outside',
      reason: 'a page for anyone',
    });
    const answer = await app.inject({ method: 'GET', url: '/outside' });
    expect([answer.statusCode, answer.json()]).toEqual([200, { served: true }]);
    expect((await app.inject({ method: 'HEAD', url: '/outside' })).statusCode).toBe(200);
    await app.close();
  });

  it('in the running app are Swagger UI alone (the web app is not built here), open to anyone', async () => {
    const served = t.app.routesOutsideContract.filter((route) => !route.url.includes('*'));
    expect(served.map((route) => route.url)).toContain('/docs/json');
    const actual: Record<string, Verdict> = {};
    for (const route of t.app.routesOutsideContract) {
      expect(route.url === '/docs' || route.url.startsWith('/docs/')).toBe(true);
      expect(route.reason).not.toBe('');
    }
    for (const route of served) {
      actual[route.url] = verdictOf(await send({ method: 'GET', url: route.url, headers: {} }), 'GET');
    }
    expect(actual).toEqual(Object.fromEntries(served.map((route) => [route.url, 'allowed'])));
  });
});

async function freshSession(): Promise<string> {
  const signIn = await t.http.post('/api/auth/sign-in').send(adminCredentials).expect(200);
  return String(signIn.headers['set-cookie']).split(';')[0];
}
