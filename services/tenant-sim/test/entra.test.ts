import type { Simulator } from '../src';
import { accessToken, graph, requestToken, startTestSimulator, TENANT } from './sim-harness';

describe('Entra ID token endpoint', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  it('publishes an OpenID configuration whose issuer is on the authority host', async () => {
    const response = await fetch(
      `${sim.authorityHost}/${TENANT.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    const config = (await response.json()) as Record<string, string>;
    expect(response.status).toBe(200);
    expect(config.issuer).toBe(`${sim.authorityHost}/${TENANT.tenantId}/v2.0`);
    expect(config.token_endpoint).toBe(`${sim.authorityHost}/${TENANT.tenantId}/oauth2/v2.0/token`);
  });

  it('issues a bearer token for the right client credentials', async () => {
    const { status, body } = await requestToken(sim);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(typeof body.access_token).toBe('string');
  });

  it.each([
    ['an unknown tenant', {}, '9d9d9d9d-0000-4000-8000-000000000000', 400, 'invalid_request', 90002],
    [
      'an unknown client',
      { client_id: '99999999-9999-4999-8999-999999999999' },
      TENANT.tenantId,
      400,
      'unauthorized_client',
      700016,
    ],
    ['a wrong secret', { client_secret: 'nope' }, TENANT.tenantId, 401, 'invalid_client', 7000215],
    ['a scope without /.default', { scope: 'User.Read.All' }, TENANT.tenantId, 400, 'invalid_scope', 1002012],
  ])('refuses %s with its AADSTS code', async (_case, form, tenantId, status, error, code) => {
    const response = await requestToken(sim, form, tenantId);
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
    expect(response.body.error_codes).toEqual([code]);
    expect(response.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it('answers the openid configuration of an unknown tenant with invalid_tenant', async () => {
    const response = await fetch(
      `${sim.authorityHost}/unknown.example/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });

  it('lets tokens expire, after which Graph answers 401 InvalidAuthenticationToken', async () => {
    sim.tenant().configure({ tokenLifetimeSeconds: 1 });
    const token = await accessToken(sim);
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await graph(sim, token, '/users?$top=1');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('InvalidAuthenticationToken');
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it('requires a bearer token on Graph', async () => {
    const response = await graph(sim, undefined, '/users');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('InvalidAuthenticationToken');
  });

  it('revoking the secret refuses the old secret and invalidates issued tokens', async () => {
    const token = await accessToken(sim);
    const newSecret = sim.tenant().revokeSecret();
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(401);
    expect((await requestToken(sim)).body.error_codes).toEqual([7000215]);
    expect((await requestToken(sim, { client_secret: newSecret })).status).toBe(200);
  });

  it('answers 403 Authorization_RequestDenied without User.Read.All consent', async () => {
    sim.tenant().configure({ consented: false });
    const response = await graph(sim, await accessToken(sim), '/users?$top=1');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('can make the token endpoint fail mid-run', async () => {
    sim.addFault({ route: 'token', kind: 'status', status: 503, times: 1 });
    expect((await requestToken(sim)).status).toBe(503);
    expect((await requestToken(sim)).status).toBe(200);
  });
});
