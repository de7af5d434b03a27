import dns from 'node:dns';
import net from 'node:net';
import type { Simulator } from '@adsync/tenant-sim';
import { deliverWebhook } from '../../src/features/notifications/webhook';
import type { SyncRunView } from '../../src/features/sync/runs/run-view';
import { OutboundPolicy } from '../../src/infra/outbound/address-policy';
import { GuardedTransport } from '../../src/infra/outbound/guarded-transport';
import { clientFor, SECRET, startDirectorySimulator, TENANT } from '../directory/directory-harness';
import { startConnectionTrap } from '../support/connection-trap';
import { startTestApp, type TestApp } from '../support/harness';
import { setAsideExplainedViolations } from './open-defects';

/**
 * Outbound requests (webhook, Entra ID, Graph) do not reach loopback, link-local or private addresses
 * unless the operator allows them: refused when saved, and again when connecting, after DNS.
 */
let t: TestApp;
let sim: Simulator;
let trap: Awaited<ReturnType<typeof startConnectionTrap>>;
/** Names this test resolves itself, as a DNS server under an attacker's control would. */
const rebound = new Map<string, string>();

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 2 });
  trap = await startConnectionTrap();
  // The simulator's and the rebinding hosts may receive credentials: only the network rule stands between.
  t = await startTestApp({
    AZURE_AD_ALLOWED_HOSTS: '127.0.0.1,login.rebind.test,graph.rebind.test',
    OUTBOUND_ALLOWED_NETWORKS: '',
    WEBHOOK_ALLOW_HTTP: 'false',
  });
  const lookup = dns.lookup;
  jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, options: unknown, callback: unknown) => {
    const address = rebound.get(hostname);
    if (!address) return (lookup as (...args: unknown[]) => void)(hostname, options, callback);
    const family = net.isIP(address);
    const all = typeof options === 'object' && (options as { all?: boolean }).all;
    const answer = callback as (error: null, ...result: unknown[]) => void;
    process.nextTick(() => (all ? answer(null, [{ address, family }]) : answer(null, address, family)));
  }) as typeof dns.lookup);
});
afterAll(async () => {
  jest.restoreAllMocks();
  setAsideExplainedViolations(t.app);
  await t.close();
  await trap.close();
  await sim.close();
});

const admin = <T extends { set: (name: string, value: string) => T }>(request: T) =>
  request.set('cookie', t.adminCookie);

describe('a webhook', () => {
  it.each([
    'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'https://127.0.0.1:5432/',
    'https://[::1]:22/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://[::ffff:0:127.0.0.1]/',
    'https://0.0.0.0:3000/',
    'https://[::]/',
    'https://localhost:3000/api/sync',
    'https://10.1.2.3/',
    'https://192.168.1.1/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://2130706433/',
    'https://0x7f.1/',
  ])('to %s is refused when saved, and nothing is stored', async (webhookUrl) => {
    const before = (await admin(t.http.get('/api/sync/schedule')).expect(200)).body;
    const saved = await admin(t.http.put('/api/sync/schedule')).send({ enabled: false, webhookUrl });
    expect(saved.status).toBe(400);
    expect(saved.headers['content-type']).toContain('application/problem+json');
    expect(saved.body.code).toBe('destination_not_allowed');
    expect((await admin(t.http.get('/api/sync/schedule')).expect(200)).body).toEqual(before);
  });

  it('over plain http is refused unless WEBHOOK_ALLOW_HTTP', async () => {
    const saved = await admin(t.http.put('/api/sync/schedule')).send({
      enabled: false,
      webhookUrl: 'http://hooks.example.com/sync',
    });
    expect(saved.status).toBe(400);
    expect(saved.body.code).toBe('destination_not_allowed');
    await admin(t.http.put('/api/sync/schedule'))
      .send({ enabled: false, webhookUrl: 'https://hooks.example.com/sync' })
      .expect(200);
  });

  it('to a name that resolves to a loopback address when it is sent is refused then (DNS rebinding)', async () => {
    rebound.set('hooks.rebind.test', '127.0.0.1');
    await admin(t.http.put('/api/sync/schedule'))
      .send({ enabled: false, webhookUrl: `https://hooks.rebind.test:${trap.port}/sync` })
      .expect(200);
    for (const url of [
      `https://hooks.rebind.test:${trap.port}/sync`,
      `https://[::ffff:127.0.0.1]:${trap.port}/sync`,
    ]) {
      await expect(
        deliverWebhook({
          url,
          run: { id: 'run' } as SyncRunView,
          timeoutMs: 2_000,
          transport: t.app.outbound,
        }),
      ).rejects.toMatchObject({ code: 'ERR_OUTBOUND_REFUSED' });
    }
    expect(trap.connections()).toBe(0);
  });
});

describe('the Azure AD endpoints', () => {
  it('at an allowed host written as a refused address are refused when saved or tested', async () => {
    const connection = {
      tenantId: TENANT.tenantId,
      clientId: TENANT.clientId,
      clientSecret: SECRET,
      authorityHost: sim.authorityHost,
      graphBaseUrl: sim.graphBaseUrl,
    };
    const saved = await admin(t.http.put('/api/settings/azure-ad')).send(connection);
    expect(saved.status).toBe(400);
    expect(saved.body.code).toBe('destination_not_allowed');
    const tested = await admin(t.http.post('/api/settings/azure-ad/test')).send(connection);
    expect(tested.body.code).toBe('destination_not_allowed');
    expect(sim.stats().tokensIssued).toBe(0);
  });

  it('at a name that resolves to a loopback address are refused when connecting (authority)', async () => {
    rebound.set('login.rebind.test', '127.0.0.1');
    await admin(t.http.put('/api/settings/azure-ad'))
      .send({
        tenantId: TENANT.tenantId,
        clientId: TENANT.clientId,
        clientSecret: SECRET,
        authorityHost: `https://login.rebind.test:${trap.port}`,
        graphBaseUrl: 'https://graph.microsoft.com',
      })
      .expect(200);
    const tested = await admin(t.http.post('/api/settings/azure-ad/test')).send();
    expect(tested.body).toMatchObject({
      ok: false,
      code: 'unreachable',
      message: expect.stringContaining('OUTBOUND_ALLOWED_NETWORKS'),
    });
    expect(trap.connections()).toBe(0);
  });

  it('at a name that resolves to a loopback address are refused when connecting (Graph)', async () => {
    // The simulator's 127.0.0.1 is allowed, so a token is issued; Graph's name then resolves to 127.0.0.2.
    const transport = new GuardedTransport(new OutboundPolicy(['127.0.0.1/32']));
    const graphTrap = await startConnectionTrap('127.0.0.2');
    rebound.set('graph.rebind.test', '127.0.0.2');
    try {
      const client = clientFor(
        sim,
        { transport, maxRetries: 0 },
        {
          graphBaseUrl: `https://graph.rebind.test:${graphTrap.port}`,
        },
      );
      const result = await client.testConnection();
      expect(result).toEqual({
        ok: false,
        failure: expect.objectContaining({
          code: 'unreachable',
          message: expect.stringContaining('OUTBOUND_ALLOWED_NETWORKS'),
        }),
      });
      expect(sim.stats().tokensIssued).toBe(1);
      expect(graphTrap.connections()).toBe(0);
    } finally {
      await graphTrap.close();
      await transport.close();
    }
  });
});
