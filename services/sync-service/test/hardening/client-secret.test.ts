import { Writable } from 'node:stream';
import type { Simulator } from '@adsync/tenant-sim';
import type { DirectoryConnection } from '../../src/infra/directory';
import { connectionTo, SECRET, startDirectorySimulator } from '../directory/directory-harness';
import { startConnectionTrap } from '../support/connection-trap';
import { startTestApp, type TestApp } from '../support/harness';
import { validRequestFor } from './hostile-requests';
import { seedKnownRecords } from './known-records';
import { setAsideExplainedViolations } from './open-defects';
import { type RawSender, rawSenderFor } from './raw-http';

/**
 * The Azure AD client secret is write-only: with every log line captured at trace level, no answer, header
 * or log line of any GET, of the connection test, or of its failures may contain it.
 */
let sim: Simulator;
let t: TestApp;
let send: RawSender;
let closeSender: () => void;
const logLines: string[] = [];
const seen: string[] = [];

/** A second distinctive secret, sent once as a wrong one, so its failure paths are scanned too. */
const wrongSecret = `${SECRET}-Wrong_91e0`;

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 5 });
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestApp({}, { logger: { level: 'trace', stream: logStream } });
  ({ send, close: closeSender } = await rawSenderFor(t.app));
});
afterAll(async () => {
  closeSender();
  setAsideExplainedViolations(t.app);
  await t.close();
  await sim.close();
});

const connection = (overrides: Partial<DirectoryConnection> = {}) => connectionTo(sim, overrides);

async function call(method: string, url: string, body?: unknown) {
  const response = await send({
    method,
    url,
    headers: { cookie: t.adminCookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  seen.push(`${method} ${url} -> ${response.status} ${response.contentType}\n${response.body}`);
  return response;
}

async function testConnection() {
  return JSON.parse((await call('POST', '/api/settings/azure-ad/test')).body) as {
    ok: boolean;
    code: string;
  };
}

describe('the client secret', () => {
  it('appears in no answer, header or log line', async () => {
    const known = await seedKnownRecords(t.app.db, () => t.apiKey(['users:read']));
    expect((await call('PUT', '/api/settings/azure-ad', connection())).status).toBe(200);
    expect(await testConnection()).toMatchObject({ ok: true });
    const objectIds = [0, 1].map((index) => sim.tenant().user(index)!.user.id);
    expect((await call('POST', '/api/imported-users', { objectIds })).status).toBe(200);

    for (const [index, operation] of t.app.contract.operations.entries()) {
      if (operation.method !== 'GET') continue;
      const request = validRequestFor(operation, known, index);
      const response = await send({ ...request, headers: { ...request.headers, cookie: t.adminCookie } });
      seen.push(`${request.method} ${request.url} -> ${response.status}\n${response.body}`);
    }

    expect(
      (await call('PUT', '/api/settings/azure-ad', connection({ clientSecret: wrongSecret }))).status,
    ).toBe(200);
    expect(await testConnection()).toMatchObject({ ok: false, code: 'invalid_secret' });
    await call('PUT', '/api/settings/azure-ad', connection({ authorityHost: 'https://127.0.0.1:1' }));
    expect(await testConnection()).toMatchObject({ ok: false });
    await call('GET', '/api/directory/users?search=a');

    expect(seen.length).toBeGreaterThan(20);
    expect(logLines.length).toBeGreaterThan(20);
    const everything = [...seen, ...logLines].join('\n');
    for (const secret of [SECRET, wrongSecret]) expect(everything.includes(secret)).toBe(false);
  });
});

describe('the stored secret, with only settings:write', () => {
  it('cannot be sent to another authority or Graph host, by saving or by testing', async () => {
    const trap = await startConnectionTrap();
    try {
      expect((await call('PUT', '/api/settings/azure-ad', connection())).status).toBe(200);
      const storedBefore = await t.app.db('azure_ad_connection').first();
      const auditedConnectionChanges = () =>
        t.app.db('audit_events').where({ action: 'settings.azure_ad.updated' }).count({ n: '*' }).first();
      const auditedBefore = await auditedConnectionChanges();
      const key = await t.apiKey(['settings:write']);
      const asKey = (request: ReturnType<typeof t.http.put>) => request.set('authorization', `Bearer ${key}`);
      const tokensBefore = sim.stats().tokensIssued;
      const { clientSecret: _secret, ...withoutSecret } = connection();

      for (const moved of [{ authorityHost: trap.url }, { graphBaseUrl: trap.url }]) {
        const saved = await asKey(t.http.put('/api/settings/azure-ad')).send({ ...withoutSecret, ...moved });
        expect(saved.status).toBe(400);
        expect(saved.headers['content-type']).toContain('application/problem+json');
        expect(saved.body).toMatchObject({
          code: 'client_secret_required',
          errors: [{ path: 'body.clientSecret', message: expect.stringContaining(Object.keys(moved)[0]) }],
        });
        const tested = await asKey(t.http.post('/api/settings/azure-ad/test')).send(moved);
        expect(tested.status).toBe(400);
        expect(tested.body.code).toBe('client_secret_required');
      }
      // Saved first and tested after, with the stored (unchanged) connection.
      await asKey(t.http.put('/api/settings/azure-ad'))
        .send({ ...withoutSecret, authorityHost: trap.url, graphBaseUrl: trap.url })
        .expect(400);
      expect((await asKey(t.http.post('/api/settings/azure-ad/test')).send()).body).toMatchObject({
        ok: true,
      });

      expect(trap.connections()).toBe(0);
      expect(await t.app.db('azure_ad_connection').first()).toEqual(storedBefore);
      // Only the one test of the stored connection asked for a token.
      expect(sim.stats().tokensIssued - tokensBefore).toBeLessThanOrEqual(1);
      expect(await auditedConnectionChanges()).toEqual(auditedBefore);
    } finally {
      await trap.close();
    }
  });

  it('tests the values on screen without storing them', async () => {
    expect((await call('PUT', '/api/settings/azure-ad', connection())).status).toBe(200);
    const storedBefore = await t.app.db('azure_ad_connection').first();
    const onScreen = await t.http
      .post('/api/settings/azure-ad/test')
      .set('cookie', t.adminCookie)
      .send({ clientSecret: wrongSecret });
    expect(onScreen.body).toMatchObject({ ok: false, code: 'invalid_secret' });
    const unknownTenant = await t.http
      .post('/api/settings/azure-ad/test')
      .set('cookie', t.adminCookie)
      .send({ tenantId: '00000000-aaaa-4bbb-8ccc-dddddddddddd' });
    expect(unknownTenant.body).toMatchObject({ ok: false, code: 'tenant_not_found' });
    expect(await t.app.db('azure_ad_connection').first()).toEqual(storedBefore);
    expect(await testConnection()).toMatchObject({ ok: true });
    const unknownField = await t.http
      .post('/api/settings/azure-ad/test')
      .set('cookie', t.adminCookie)
      .send({ mapping: {} });
    expect(unknownField.status).toBe(400);
  });

  it('goes only to Microsoft hosts unless the operator allows more', async () => {
    const strict = await startTestApp({ AZURE_AD_ALLOWED_HOSTS: '' });
    try {
      const admin = <T extends { set: (name: string, value: string) => T }>(request: T) =>
        request.set('cookie', strict.adminCookie);
      for (const endpoints of [
        { authorityHost: sim.authorityHost },
        { graphBaseUrl: sim.graphBaseUrl },
        { authorityHost: 'https://login.microsoftonline.com.attacker.example' },
        { graphBaseUrl: 'https://graph.microsoft.com@attacker.example' },
        // Not a URL at all once parsed: refused like any other host, not a 500.
        { authorityHost: 'https://login.microsoftonline.com%2Fevil.example' },
        { graphBaseUrl: 'https://graph.microsoft.com%2Fevil.example' },
      ]) {
        const saved = await admin(strict.http.put('/api/settings/azure-ad')).send({
          ...connection({ authorityHost: 'https://login.microsoftonline.com' }),
          graphBaseUrl: 'https://graph.microsoft.com',
          ...endpoints,
        });
        expect(saved.status).toBe(400);
        expect(saved.body.code).toBe('host_not_allowed');
        const tested = await admin(strict.http.post('/api/settings/azure-ad/test')).send({
          clientSecret: SECRET,
          ...endpoints,
        });
        expect(tested.body.code).toBe('host_not_allowed');
      }
      expect(await strict.app.db('azure_ad_connection').first()).toBeUndefined();
      for (const [authorityHost, graphBaseUrl] of [
        ['https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
        ['https://login.partner.microsoftonline.cn/', 'https://microsoftgraph.chinacloudapi.cn'],
      ]) {
        await admin(strict.http.put('/api/settings/azure-ad'))
          .send({ ...connection(), authorityHost, graphBaseUrl })
          .expect(200);
      }
    } finally {
      setAsideExplainedViolations(strict.app);
      await strict.close();
    }
  });
});
