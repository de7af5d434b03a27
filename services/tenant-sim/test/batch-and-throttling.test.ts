import type { Simulator } from '../src';
import { accessToken, graph, startTestSimulator } from './sim-harness';

describe('Graph $batch and throttling', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await accessToken(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  const getRequests = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${sim.tenant().userId(i)}?$select=id`,
    }));

  it('answers every item with its own status, with Content-Type spelled as the SDK expects, in shuffled order', async () => {
    const orders = new Set<string>();
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await graph(sim, token, '/$batch', {
        method: 'POST',
        body: { requests: getRequests(20) },
      });
      expect(response.status).toBe(200);
      expect(response.body.responses).toHaveLength(20);
      for (const item of response.body.responses) {
        expect(item.status).toBe(200);
        expect(item.headers['Content-Type']).toMatch(/^application\/json/);
        expect(item.body.id).toBe(sim.tenant().userId(Number(item.id) - 1));
      }
      orders.add(response.body.responses.map((item: { id: string }) => item.id).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('refuses more than 20 requests and duplicate ids', async () => {
    expect(
      (await graph(sim, token, '/$batch', { method: 'POST', body: { requests: getRequests(21) } })).status,
    ).toBe(400);
    const duplicated = [...getRequests(2), { ...getRequests(1)[0] }];
    expect(
      (await graph(sim, token, '/$batch', { method: 'POST', body: { requests: duplicated } })).status,
    ).toBe(400);
  });

  it('charges resource units per item and throttles items once the bucket is empty', async () => {
    sim.setThrottle(5);
    const response = await graph(sim, token, '/$batch', {
      method: 'POST',
      body: { requests: getRequests(8) },
    });
    const throttled = response.body.responses.filter((item: { status: number }) => item.status === 429);
    expect(response.status).toBe(200);
    expect(throttled).toHaveLength(3);
    for (const item of throttled) {
      expect(item.body.error.code).toBe('TooManyRequests');
      expect(Number(item.headers['Retry-After'])).toBeGreaterThan(0);
    }
    expect(sim.stats()).toMatchObject({ resourceUnits: 5, throttled: 3, batchItems: { 'users.get': 8 } });
  });

  it('throttles top-level requests with a fractional Retry-After and recovers after it', async () => {
    sim.setThrottle(20);
    let response = await graph(sim, token, '/users?$top=1');
    while (response.status === 200) response = await graph(sim, token, '/users?$top=1');
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThan(2);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 20));
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(200);
  });

  it('costs 2 RU for a list, 1 with $select, 1 for a read by id', async () => {
    await graph(sim, token, '/users?$top=1');
    await graph(sim, token, '/users?$top=1&$select=id');
    await graph(sim, token, `/users/${sim.tenant().userId(0)}`);
    expect(sim.stats().resourceUnits).toBe(4);
  });
});
