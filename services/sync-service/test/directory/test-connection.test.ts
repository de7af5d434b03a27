import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Simulator } from '@adsync/tenant-sim';
import { OutboundPolicy } from '../../src/infra/outbound/address-policy';
import { GuardedTransport } from '../../src/infra/outbound/guarded-transport';
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
    expect(result).toEqual({
      ok: true,
      sampleUser: expect.objectContaining({ id: sim.tenant().userId(0) }),
      groupAccess: null,
    });
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
    // Reported as unreachable: a silent port must read as a closed one (see the port tests below).
    expect(result).toEqual({ ok: false, failure: expect.objectContaining({ code: 'unreachable' }) });
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

/** Local ports in the states a port scan tells apart: closed, open without TLS (silent or hanging up), HTTP. */
async function startPorts() {
  const listen = async (server: net.Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  };
  const closedServer = await listen(net.createServer());
  const closed = (closedServer.address() as AddressInfo).port;
  await new Promise((resolve) => closedServer.close(resolve));
  const sockets = new Set<net.Socket>();
  const servers = [
    await listen(net.createServer((socket) => socket.destroy())),
    await listen(
      net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => {});
      }),
    ),
    await listen(http.createServer((_request, response) => response.end('hello'))),
  ];
  const ports = { closed, hangsUp: 0, silent: 0, http: 0 };
  [ports.hangsUp, ports.silent, ports.http] = servers.map((server) => (server.address() as AddressInfo).port);
  return {
    ports,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

describe('connection test reasons for local ports', () => {
  let sim: Simulator;
  let ports: Awaited<ReturnType<typeof startPorts>>;
  const transport = new GuardedTransport(new OutboundPolicy(['127.0.0.1/32']));
  beforeAll(async () => {
    sim = await startDirectorySimulator({ userCount: 2 });
    ports = await startPorts();
  });
  afterAll(async () => {
    await ports.close();
    await sim.close();
    await transport.close();
  });

  it.each(['authorityHost', 'graphBaseUrl'] as const)(
    'are the same for a closed, a non-TLS, a silent and an HTTP port as %s',
    async (field) => {
      const reasons = new Map<string, unknown>();
      for (const [state, port] of Object.entries(ports.ports)) {
        const client = clientFor(
          sim,
          { timeoutMs: 1_500, maxRetries: 0, transport },
          {
            [field]: `https://127.0.0.1:${port}`,
          },
        );
        const result = await client.testConnection();
        expect(result.ok).toBe(false);
        reasons.set(state, result.ok ? null : result.failure);
      }
      const [first, ...others] = [...reasons.values()];
      expect(first).toMatchObject({ code: 'unreachable', message: expect.stringMatching(/over HTTPS\.$/) });
      for (const other of others) expect(other).toEqual(first);
    },
  );
});
