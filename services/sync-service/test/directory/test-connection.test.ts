import type { Simulator } from '@adsync/tenant-sim';
import { clientFor, SECRET, startDirectorySimulator, TENANT } from './directory-harness';

describe('testConnection over the real SDK chain', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startDirectorySimulator();
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  it('obtains a token and reads a sample user', async () => {
    const result = await clientFor(sim).testConnection();
    expect(result).toEqual({ ok: true, sampleUser: expect.objectContaining({ id: sim.tenant().userId(0) }) });
    expect(sim.stats().tokensIssued).toBe(1);
  });

  it('reads past an empty first page', async () => {
    sim.tenant().configure({ emptyPageRate: 1 });
    const result = await clientFor(sim).testConnection();
    expect(result.ok && result.sampleUser).toEqual(expect.objectContaining({ id: sim.tenant().userId(0) }));
  });

  it.each([
    ['a wrong secret', { clientSecret: `${SECRET}-old` }, 'invalid_secret'],
    ['an unknown tenant', { tenantId: '00000000-aaaa-4bbb-8ccc-dddddddddddd' }, 'tenant_not_found'],
    ['an unknown client id', { clientId: '11111111-aaaa-4bbb-8ccc-dddddddddddd' }, 'invalid_client'],
  ])('names %s precisely, as a configuration failure', async (_case, overrides, code) => {
    const result = await clientFor(sim, {}, overrides).testConnection();
    expect(result).toEqual({
      ok: false,
      failure: expect.objectContaining({ code, category: 'configuration' }),
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('names missing consent', async () => {
    sim.tenant().configure({ consented: false });
    const result = await clientFor(sim).testConnection();
    expect(result).toEqual({
      ok: false,
      failure: expect.objectContaining({
        code: 'missing_permission',
        category: 'configuration',
        status: 403,
      }),
    });
  });

  it('names an unreachable authority', async () => {
    const result = await clientFor(sim, {}, { authorityHost: 'https://127.0.0.1:9' }).testConnection();
    expect(result).toEqual({
      ok: false,
      failure: expect.objectContaining({ code: 'unreachable', category: 'transient' }),
    });
  });

  it('times out a hanging token endpoint instead of waiting forever', async () => {
    sim.addFault({ route: 'token', kind: 'hang' });
    const result = await clientFor(sim, { timeoutMs: 400 }).testConnection();
    expect(result).toEqual({ ok: false, failure: expect.objectContaining({ code: 'timeout' }) });
  });

  it('reports an unavailable token endpoint as transient, and passes as soon as it answers again', async () => {
    sim.addFault({ route: 'token', kind: 'status', status: 503 });
    const client = clientFor(sim);
    const result = await client.testConnection();
    expect(result).toEqual({
      ok: false,
      failure: expect.objectContaining({ code: 'authority_unavailable', category: 'transient', status: 503 }),
    });
    // MSAL alone would fail every token request for 60 s after a 503 without asking Entra ID.
    sim.clearFaults();
    expect(await client.testConnection()).toMatchObject({ ok: true });
  });

  it('renews an expired access token instead of sending it', async () => {
    sim.tenant().configure({ tokenLifetimeSeconds: 1 });
    const client = clientFor(sim);
    const ids = [sim.tenant().userId(1)];
    expect((await client.readUsersByIds(ids)).get(ids[0])?.kind).toBe('found');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await client.readUsersByIds(ids)).get(ids[0])?.kind).toBe('found');
    expect(sim.stats().tokensIssued).toBeGreaterThanOrEqual(2);
  });

  it('reaches the tenant by its domain as well as by id', async () => {
    const result = await clientFor(sim, {}, { tenantId: TENANT.domain }).testConnection();
    expect(result.ok).toBe(true);
  });
});
