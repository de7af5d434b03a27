import { startTestApp, type TestApp } from '../support/harness';
import { type KnownRecords, seedKnownRecords } from './known-records';
import { setAsideExplainedViolations } from './open-defects';

/**
 * Cursors are opaque, but a client can decode and re-encode one. A forged cursor of the right shape must
 * be refused with 400 `invalid_cursor`, never reach SQL and fail there as a 500.
 */
let t: TestApp;
let known: KnownRecords;

beforeAll(async () => {
  t = await startTestApp();
  known = await seedKnownRecords(t.app.db, () => t.apiKey(['users:read']));
});
afterAll(async () => {
  setAsideExplainedViolations(t.app);
  await t.close();
});

const forge = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
const someId = '6f1c2a9e-0b7d-4c3e-9a51-2d8e7f6a5b4c';

/** Strings `Date.parse` accepts that PostgreSQL's timestamptz refuses. */
const forgedTimestamps = ['0', '1', 'Tuesday 1', '+275760-09-13T00:00:00.000Z'];

async function listingAnswer(url: string) {
  const response = await t.http.get(url).set('cookie', t.adminCookie);
  return { url, status: response.status, code: response.body.code as string | undefined };
}

const refused = (url: string) => ({ url, status: 400, code: 'invalid_cursor' });

describe('forged cursors', () => {
  it('are refused when a value carries NUL, which PostgreSQL text cannot hold', async () => {
    const key = 'a\u0000b';
    const urls = [
      `/api/users?cursor=${forge([key, someId])}`,
      `/api/sync/runs?cursor=${forge([key, someId])}`,
      `/api/imported-users?cursor=${forge(['next', 'username', key, someId])}`,
      `/api/sync/runs/${known.syncRunIds[0]}/items?cursor=${forge([key])}`,
    ];
    for (const url of urls) expect(await listingAnswer(url)).toEqual(refused(url));
  });

  it('are refused by the run items listing when the id is not a safe integer', async () => {
    for (const value of [1e300, -0.5, Number.MAX_SAFE_INTEGER + 2, '12']) {
      const url = `/api/sync/runs/${known.syncRunIds[0]}/items?cursor=${forge([value])}`;
      expect(await listingAnswer(url)).toEqual(refused(url));
    }
  });

  // Date.parse accepts values such as "0" that PostgreSQL refuses: they once reached SQL as a 500.
  it('are refused by the runs listing when the timestamp is not one PostgreSQL reads', async () => {
    for (const timestamp of forgedTimestamps) {
      const url = `/api/sync/runs?cursor=${forge([timestamp, someId])}`;
      expect(await listingAnswer(url)).toEqual(refused(url));
    }
  });

  it('are refused by the imported users listing sorted by last sync', async () => {
    for (const timestamp of forgedTimestamps) {
      const url = `/api/imported-users?sort=lastSyncedAt&cursor=${forge(['next', 'lastSyncedAt', timestamp, someId])}`;
      expect(await listingAnswer(url)).toEqual(refused(url));
    }
  });
});
