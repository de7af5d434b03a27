import type { Simulator } from '@adsync/tenant-sim';
import type { UserLookup } from '../../src/infra/directory';
import { filterGroups, splitBudget } from '../../src/infra/directory/read-users-by-ids';
import { clientFor, startDirectorySimulator } from './directory-harness';

describe('readUsersByIds over the real SDK chain', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startDirectorySimulator();
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  const ids = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => sim.tenant().userId(from + i));
  const kinds = (lookups: Map<string, UserLookup>) => {
    const counts: Record<string, number> = {};
    for (const lookup of lookups.values()) counts[lookup.kind] = (counts[lookup.kind] ?? 0) + 1;
    return counts;
  };

  it('reads 650 users in three $batch round trips, whatever order the items come back in', async () => {
    const client = clientFor(sim);
    const wanted = ids(0, 650);
    const lookups = await client.readUsersByIds(wanted);
    expect(lookups.size).toBe(650);
    expect(kinds(lookups)).toEqual({ found: 650 });
    const lookup = lookups.get(wanted[123]);
    expect(lookup).toEqual({ kind: 'found', user: expect.objectContaining({ id: wanted[123] }) });
    const expected = sim.tenant().user(123)!.user;
    expect(lookup?.kind === 'found' && lookup.user).toEqual({
      id: expected.id,
      userPrincipalName: expected.userPrincipalName,
      displayName: expected.displayName,
      givenName: expected.givenName,
      surname: expected.surname,
      mail: expected.mail,
      mobilePhone: expected.mobilePhone,
      businessPhones: expected.businessPhones,
      accountEnabled: expected.accountEnabled,
    });
    expect(sim.stats().requests.batch).toBe(3);
    expect(client.stats()).toEqual({ requests: 3, throttled: 0, retries: 0 });
  });

  it('asks Entra ID for one token, however many requests start together', async () => {
    const client = clientFor(sim, { concurrency: 8 });
    sim.resetStats();
    const tokensBefore = sim.stats().tokensIssued;
    expect(kinds(await client.readUsersByIds(ids(0, 700)))).toEqual({ found: 700 });
    expect(sim.stats().tokensIssued - tokensBefore).toBe(1);
  });

  it('reports notFound only after GET /users/{id} answers 404 Request_ResourceNotFound', async () => {
    const wanted = ids(0, 40);
    sim.tenant().softDeleteUser(wanted[3]);
    sim.tenant().hardDeleteUser(wanted[17]);
    const neverExisted = '0f0f0f0f-1e1e-4d2d-8c3c-4b4b4b4b4b4b';
    const lookups = await clientFor(sim).readUsersByIds([...wanted, neverExisted]);
    expect(lookups.get(wanted[3])).toEqual({ kind: 'notFound' });
    expect(lookups.get(wanted[17])).toEqual({ kind: 'notFound' });
    expect(lookups.get(neverExisted)).toEqual({ kind: 'notFound' });
    expect(kinds(lookups)).toEqual({ found: 38, notFound: 3 });
    expect(sim.stats().batchItems['users.get']).toBe(3);
  });

  it('never turns a failed confirmation into notFound', async () => {
    const [gone, flaky] = ids(0, 2);
    sim.tenant().hardDeleteUser(gone);
    sim.tenant().hardDeleteUser(flaky);
    sim.addFault({ route: 'users.get', kind: 'status', status: 500, match: flaky });
    const lookups = await clientFor(sim).readUsersByIds([gone, flaky]);
    expect(lookups.get(gone)).toEqual({ kind: 'notFound' });
    expect(lookups.get(flaky)).toEqual({
      kind: 'failed',
      failure: expect.objectContaining({ category: 'transient', code: 'server_error', status: 500 }),
    });
  });

  it('isolates one poison object among 15: 13 found, the one deleted upstream notFound, only it failed', async () => {
    const wanted = ids(0, 15);
    const [poison, gone] = [wanted[6], wanted[11]];
    sim.tenant().hardDeleteUser(gone);
    // Every request naming the poison object fails, whatever else it asks.
    sim.addFault({ route: '*', kind: 'status', status: 500, match: poison });
    const lookups = await clientFor(sim).readUsersByIds(wanted);
    expect(kinds(lookups)).toEqual({ found: 13, notFound: 1, failed: 1 });
    expect(lookups.get(gone)).toEqual({ kind: 'notFound' });
    expect(lookups.get(poison)).toEqual({
      kind: 'failed',
      failure: expect.objectContaining({ code: 'server_error', status: 500 }),
    });
    // One first request, then halves down to the poison object: 2 per level, 4 levels at most.
    const filterRequests = sim.stats().batchItems['users.list'] ?? 0;
    expect(filterRequests).toBeGreaterThan(1);
    expect(filterRequests).toBeLessThanOrEqual(1 + 8);
    expect(filterRequests - 1).toBeLessThanOrEqual(splitBudget(1));
    expect(sim.stats().batchItems['users.get']).toBe(1);
  });

  it('spends at most the split budget when every group fails, and fails them all', async () => {
    sim.addFault({ route: 'users.list', kind: 'status', status: 500 });
    const lookups = await clientFor(sim).readUsersByIds(ids(0, 300));
    expect(kinds(lookups)).toEqual({ failed: 300 });
    expect(sim.stats().batchItems['users.list']).toBe(20 + splitBudget(20));
  });

  it('does not split groups refused for throttling or for want of consent', async () => {
    sim.tenant().configure({ consented: false });
    expect(kinds(await clientFor(sim).readUsersByIds(ids(0, 30)))).toEqual({ failed: 30 });
    expect(sim.stats().batchItems['users.list']).toBe(2);
  });

  it('fails a user whose attribute cannot be stored, naming the attribute and the character', async () => {
    const wanted = ids(0, 15);
    sim.tenant().updateUser(wanted[2], { mail: 'a\u0000b@northwind.example' });
    sim.tenant().updateUser(wanted[4], { displayName: 'x\uDC00y' });
    const lookups = await clientFor(sim).readUsersByIds(wanted);
    expect(kinds(lookups)).toEqual({ found: 13, failed: 2 });
    expect(lookups.get(wanted[2])).toEqual({
      kind: 'failed',
      failure: {
        category: 'unknown',
        code: 'invalid_value',
        message: 'Azure AD attribute mail contains a NUL character (U+0000).',
      },
    });
    expect(lookups.get(wanted[4])).toMatchObject({
      failure: { message: 'Azure AD attribute displayName contains a lone UTF-16 surrogate (U+DC00).' },
    });
  });

  it('retries throttled batch items after their fractional Retry-After', async () => {
    const wanted = ids(0, 45);
    sim.addFault({ route: 'users.list', kind: 'throttle', retryAfterSeconds: 0.3, times: 2 });
    const client = clientFor(sim);
    const started = Date.now();
    const lookups = await client.readUsersByIds(wanted);
    expect(kinds(lookups)).toEqual({ found: 45 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(client.stats()).toMatchObject({ requests: 2, throttled: 2, retries: 2 });
  });

  it('retries items throttled by the resource-unit bucket until they pass', async () => {
    sim.setThrottle(4);
    const client = clientFor(sim, { maxRetries: 6 });
    const lookups = await client.readUsersByIds(ids(0, 90));
    expect(kinds(lookups)).toEqual({ found: 90 });
    expect(client.stats().throttled).toBeGreaterThan(0);
    expect(sim.stats().throttled).toBe(client.stats().throttled);
  });

  it('fails items that stay throttled after the retry budget, never notFound', async () => {
    sim.addFault({ route: 'users.list', kind: 'throttle', retryAfterSeconds: 0.05 });
    const lookups = await clientFor(sim, { maxRetries: 2 }).readUsersByIds(ids(0, 20));
    expect(kinds(lookups)).toEqual({ failed: 20 });
    expect([...lookups.values()][0]).toEqual({
      kind: 'failed',
      failure: expect.objectContaining({ code: 'throttled', category: 'transient', status: 429 }),
    });
  });

  it('retries a throttled $batch request itself', async () => {
    sim.addFault({ route: 'batch', kind: 'throttle', retryAfterSeconds: 0.1, times: 1 });
    const client = clientFor(sim);
    expect(kinds(await client.readUsersByIds(ids(0, 10)))).toEqual({ found: 10 });
    expect(client.stats()).toMatchObject({ requests: 2, throttled: 1, retries: 1 });
  });

  it('fails every id of a batch that times out', async () => {
    sim.addFault({ route: 'batch', kind: 'hang' });
    const lookups = await clientFor(sim, { timeoutMs: 300, maxRetries: 1 }).readUsersByIds(ids(0, 5));
    expect(kinds(lookups)).toEqual({ failed: 5 });
    expect([...lookups.values()][0]).toMatchObject({ failure: { code: 'timeout', category: 'transient' } });
  });

  it('fails every id of a batch whose connection is reset', async () => {
    sim.addFault({ route: 'batch', kind: 'reset' });
    const lookups = await clientFor(sim, { maxRetries: 1 }).readUsersByIds(ids(0, 5));
    expect(kinds(lookups)).toEqual({ failed: 5 });
    expect([...lookups.values()][0]).toMatchObject({
      failure: { code: 'network_error', category: 'transient' },
    });
  });

  it('recovers from a reset by retrying', async () => {
    sim.addFault({ route: 'batch', kind: 'reset', times: 1 });
    expect(kinds(await clientFor(sim).readUsersByIds(ids(0, 5)))).toEqual({ found: 5 });
  });

  it('fails with missing_permission when the app has no consent', async () => {
    sim.tenant().configure({ consented: false });
    const lookups = await clientFor(sim).readUsersByIds(ids(0, 3));
    expect([...lookups.values()]).toEqual(
      Array(3).fill({
        kind: 'failed',
        failure: expect.objectContaining({
          code: 'missing_permission',
          category: 'configuration',
          status: 403,
        }),
      }),
    );
  });

  it('drops a token Graph refused and reads with a new one, asking Entra ID once', async () => {
    const client = clientFor(sim);
    await client.readUsersByIds(ids(0, 1));
    sim.tenant().expireAccessTokens();
    sim.resetStats();
    // 650 ids: three $batch requests in parallel, all refused with the same token.
    const lookups = await client.readUsersByIds(ids(0, 650));
    expect(kinds(lookups)).toEqual({ found: 650 });
    expect(sim.stats().requests).toMatchObject({ token: 1, batch: 6 });
  });

  it('fails with unauthorized when Graph refuses the new token too', async () => {
    const client = clientFor(sim);
    sim.setFaults([{ route: 'batch', kind: 'status', status: 401 }]);
    const lookups = await client.readUsersByIds(ids(0, 2));
    expect([...lookups.values()][0]).toMatchObject({
      kind: 'failed',
      failure: { code: 'unauthorized', category: 'configuration', status: 401 },
    });
    // The first token and one renewal, then no more: a refusal that persists is the configuration's.
    expect(sim.stats().requests).toMatchObject({ token: 2, batch: 2 });
  });

  it('fails the ids of a failed token request as configuration, with no secret in the message', async () => {
    const lookups = await clientFor(sim, {}, { clientSecret: 'a-wrong-secret-value' }).readUsersByIds(
      ids(0, 2),
    );
    expect([...lookups.values()][0]).toMatchObject({ kind: 'failed', failure: { code: 'invalid_secret' } });
    expect(JSON.stringify([...lookups.values()])).not.toContain('a-wrong-secret-value');
  });

  it('answers duplicates once, keeps the caller spelling and refuses ids that are not GUIDs', async () => {
    const [first] = ids(0, 1);
    const upper = first.toUpperCase();
    const lookups = await clientFor(sim).readUsersByIds([upper, upper, "x') or startswith(mail,'a"]);
    expect(lookups.size).toBe(2);
    expect(lookups.get(upper)).toMatchObject({ kind: 'found', user: { id: first } });
    expect(lookups.get("x') or startswith(mail,'a")).toMatchObject({
      kind: 'failed',
      failure: { code: 'invalid_object_id' },
    });
  });

  it('answers cancelled for what a caller abort leaves unread', async () => {
    const client = clientFor(sim);
    await client.readUsersByIds(ids(0, 1));
    sim.setLatency(300, 'batch');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const lookups = await client.readUsersByIds(ids(0, 30), controller.signal);
    expect(kinds(lookups)).toEqual({ failed: 30 });
    expect([...lookups.values()][0]).toMatchObject({ failure: { code: 'cancelled' } });
  });
});

describe('filterGroups', () => {
  const ids = Array.from({ length: 60 }, (_, i) => `id-${i}`);

  it('cuts every id into groups of at most 15, the same for the same seed', () => {
    const groups = filterGroups(ids, 'run-1');
    expect(groups.map((group) => group.length)).toEqual([15, 15, 15, 15]);
    expect(groups.flat().sort()).toEqual([...ids].sort());
    expect(filterGroups(ids, 'run-1')).toEqual(groups);
  });

  it('gives an id other neighbours under another seed', () => {
    const neighbours = (seed: string) => filterGroups(ids, seed).find((group) => group.includes('id-0'));
    expect(neighbours('run-2')).not.toEqual(neighbours('run-1'));
    expect(filterGroups(ids)).not.toEqual(filterGroups(ids));
  });
});
