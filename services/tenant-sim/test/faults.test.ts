import type { Simulator } from '../src';
import { accessToken, graph, startTestSimulator } from './sim-harness';

describe('fault injection', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await accessToken(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  it('answers an injected 5xx a limited number of times', async () => {
    sim.addFault({ route: 'users.list', kind: 'status', status: 503, times: 2 });
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(503);
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(503);
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(200);
    expect(sim.stats().faultsInjected).toBe(2);
  });

  it('targets batch items matching one user id', async () => {
    const [hit, spared] = [sim.tenant().userId(1), sim.tenant().userId(2)];
    sim.addFault({ route: 'users.get', kind: 'throttle', retryAfterSeconds: 0.25, match: hit });
    const response = await graph(sim, token, '/$batch', {
      method: 'POST',
      body: {
        requests: [hit, spared].map((id, i) => ({ id: String(i), method: 'GET', url: `/users/${id}` })),
      },
    });
    const byId = Object.fromEntries(response.body.responses.map((item: { id: string }) => [item.id, item]));
    expect(byId['0'].status).toBe(429);
    expect(byId['0'].headers['Retry-After']).toBe('0.25');
    expect(byId['1'].status).toBe(200);
  });

  it('resets the connection', async () => {
    sim.addFault({ route: 'users.list', kind: 'reset' });
    await expect(graph(sim, token, '/users')).rejects.toThrow();
  });

  it('hangs until the client gives up', async () => {
    sim.addFault({ route: 'users.get', kind: 'hang' });
    const started = Date.now();
    await expect(
      fetch(`${sim.graphBaseUrl}/v1.0/users/${sim.tenant().userId(0)}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('adds configured latency', async () => {
    sim.setLatency(150);
    const started = Date.now();
    await graph(sim, token, '/users?$top=1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('is driven over the admin API too', async () => {
    const put = await fetch(`${sim.url}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ route: 'users.list', kind: 'status', status: 500, times: 1 }]),
    });
    expect(put.status).toBe(200);
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(500);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { faultsInjected: number };
    expect(stats.faultsInjected).toBe(1);
    const id = sim.tenant().userId(5);
    const patch = await fetch(`${sim.url}/_sim/tenants/${sim.tenant().tenantId}/users/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mobilePhone: '+1 555 0100' }),
    });
    expect(patch.status).toBe(200);
    expect((await graph(sim, token, `/users/${id}?$select=mobilePhone`)).body.mobilePhone).toBe(
      '+1 555 0100',
    );
    const remove = await fetch(`${sim.url}/_sim/tenants/${sim.tenant().tenantId}/users/${id}?mode=hard`, {
      method: 'DELETE',
    });
    expect(remove.status).toBe(204);
    expect((await graph(sim, token, `/users/${id}`)).status).toBe(404);
  });
});
