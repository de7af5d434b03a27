import { allScopes } from '../../src/features/auth/identity';
import type { ContractOperation } from '../../src/infra/contract/contract';
import { adminCredentials, startTestApp, type TestApp } from '../support/harness';
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
function verdictOf(response: RawResponse): Verdict {
  if (response.status !== 401 && response.status !== 403) return 'allowed';
  const problem = JSON.parse(response.body) as { code?: string };
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
  return {
    anonymous: restricted ? 401 : 'allowed',
    revokedKey: restricted ? 401 : 'allowed',
    keyWithoutItsScopes: !restricted ? 'allowed' : scopes === null || scopes.length > 0 ? 403 : 'allowed',
    keyWithExactlyItsScopes: !restricted ? 'allowed' : scopes === null ? 403 : 'allowed',
    administrator: 'allowed',
    administratorFromForeignOrigin: restricted && unsafeMethods.has(operation.method) ? 403 : 'allowed',
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
      const as = async (identity: Record<string, string>) =>
        verdictOf(await send({ ...request, headers: { ...request.headers, ...identity } }));
      const bearer = async (scopes: string[]) => ({ authorization: `Bearer ${await t.apiKey(scopes)}` });
      const needed = operation.apiKeyScopes ?? [];
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
      };
    }
    expect(actual).toEqual(expected);
  });
});

async function freshSession(): Promise<string> {
  const signIn = await t.http.post('/api/auth/sign-in').send(adminCredentials).expect(200);
  return String(signIn.headers['set-cookie']).split(';')[0];
}
