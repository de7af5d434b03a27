import Fastify from 'fastify';
import { contractPlugin } from '../src/infra/contract/plugin';
import { startTestApp, type TestApp } from './support/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('openapi.yaml and the running routes', () => {
  it('serve exactly the same operations', () => {
    const served = new Set<string>();
    for (const operation of t.app.contract.operations) {
      if (t.app.hasRoute({ method: operation.method as 'GET', url: operation.routePath })) {
        served.add(`${operation.method} ${operation.path}`);
      }
    }
    const promised = t.app.contract.operations.map((operation) => `${operation.method} ${operation.path}`);
    expect(promised.filter((operation) => !served.has(operation))).toEqual([]);
    // The reverse direction is enforced at start: an /api route missing from the contract fails buildApp.
  });

  it('serves the contract in Swagger UI', async () => {
    const document = await t.http.get('/docs/json').expect(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toContain('/api/imported-users');
    const page = await t.http.get('/docs/').expect(200);
    expect(page.text).toMatch(/swagger/i);
  });

  it('refuses, at start, a route that the contract lacks', async () => {
    const app = Fastify();
    await app.register(contractPlugin, { contract: t.app.contract });
    await app.after();
    expect(() => app.get('/api/undocumented', async () => ({}))).toThrow(
      /GET \/api\/undocumented is served but missing from openapi.yaml/,
    );
    await app.close();
  });
});
