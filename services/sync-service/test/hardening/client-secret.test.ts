import { Writable } from 'node:stream';
import type { Simulator } from '@adsync/tenant-sim';
import type { DirectoryConnection } from '../../src/infra/directory';
import { connectionTo, SECRET, startDirectorySimulator } from '../directory/directory-harness';
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
