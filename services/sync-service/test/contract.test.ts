import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { contractPlugin, outsideContract } from '../src/infra/contract/plugin';
import { errorHandlerPlugin } from '../src/infra/http/error-handler';
import { Problem, type ProblemCode } from '../src/infra/http/problem';
import { buildTestApp, startTestApp, type TestApp } from './support/harness';

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
    // The reverse direction is enforced at start: a route missing from the contract does not start.
  });

  it('serves the contract in Swagger UI', async () => {
    const document = await t.http.get('/docs/json').expect(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toContain('/api/imported-users');
    const page = await t.http.get('/docs/').expect(200);
    expect(page.text).toMatch(/swagger/i);
  });

  it('reports a response that breaks it: a problem code it does not list, a view without a field', async () => {
    const app = Fastify();
    await app.register(errorHandlerPlugin);
    await app.register(contractPlugin, { contract: t.app.contract, checkResponses: true });
    app.get('/api/users/:id', async () => {
      throw new Problem(404, 'user_not_found' as ProblemCode, 'Not found');
    });
    app.get('/api/users', async () => ({ items: [{ id: 'a-user' }], nextCursor: null }));
    await app.ready();
    await app.inject({ method: 'GET', url: '/api/users/0d7c6d2e-8f43-4c53-9d8f-1c2b3a4d5e6f' });
    await app.inject({ method: 'GET', url: '/api/users' });
    expect(app.contractViolations).toEqual([
      expect.stringMatching(/^GET \/api\/users\/0d7c.*: status 404 body does not match: .*body\.code/),
      expect.stringMatching(/^GET \/api\/users: status 200 body does not match: .*body\.items\.0/),
    ]);
    await app.close();
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

describe('routes closed by default', () => {
  it('keeps the operation of a route that the contract describes, even when registered outside it', async () => {
    const app = Fastify();
    await app.register(contractPlugin, { contract: t.app.contract });
    app.register(
      outsideContract('not a way around the contract', async (scope) => {
        scope.get('/api/users', async (request) => ({
          operation: request.routeOptions.config.operation?.operationId,
        }));
      }),
    );
    await app.ready();
    expect(app.routesOutsideContract).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/api/users?limit=nope' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/users' })).json()).toEqual({
      operation: 'listUsers',
    });
    await app.close();
  });

  it('serves the built web app outside the contract, and API paths stay problems', async () => {
    const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-web-'));
    fs.mkdirSync(path.join(distDir, 'assets'));
    fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>adsync</title>');
    fs.writeFileSync(path.join(distDir, 'assets', 'app.js'), 'console.log("adsync")');
    const app = await buildTestApp({ WEB_DIST_DIR: distDir });
    try {
      await app.ready();
      const reasons = new Set(app.routesOutsideContract.map((route) => route.reason));
      expect(app.routesOutsideContract).toContainEqual({
        method: 'GET',
        url: '/assets/app.js',
        reason: expect.stringMatching(/web app/),
      });
      expect(reasons.size).toBe(2);
      expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).body).toContain('adsync');
      expect((await app.inject({ method: 'GET', url: '/sync/runs' })).body).toContain('<title>adsync');
      const missing = await app.inject({ method: 'GET', url: '/api/nothing-here' });
      expect([missing.statusCode, missing.headers['content-type']]).toEqual([
        404,
        'application/problem+json; charset=utf-8',
      ]);
    } finally {
      await app.close();
      fs.rmSync(distDir, { recursive: true, force: true });
    }
  });
});
