import type { Simulator } from '../src';
import { accessToken, graph, startTestSimulator } from './sim-harness';

describe('Graph /users', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await accessToken(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  it('projects $select and defaults to a page of 100', async () => {
    const response = await graph(sim, token, '/users?$select=id,displayName,accountEnabled');
    expect(response.status).toBe(200);
    expect(response.body.value).toHaveLength(100);
    expect(Object.keys(response.body.value[0]).sort()).toEqual(['accountEnabled', 'displayName', 'id']);
    expect(response.headers.get('x-ms-resource-unit')).toBe('1');
    expect(response.body['@odata.nextLink']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?/);
  });

  it.each(['0', '1000', 'ten'])('rejects $top=%s with 400', async (top) => {
    const response = await graph(sim, token, `/users?$top=${top}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('Request_BadRequest');
  });

  it('follows nextLinks through empty pages to every user exactly once', async () => {
    sim.tenant().configure({ emptyPageRate: 1 });
    const seen = new Set<string>();
    let emptyPagesWithLink = 0;
    let next: string | undefined = '/users?$select=id&$top=40';
    while (next) {
      const page = await graph(sim, token, next);
      expect(page.status).toBe(200);
      if (page.body.value.length === 0 && page.body['@odata.nextLink']) emptyPagesWithLink++;
      for (const user of page.body.value) seen.add(user.id);
      next = page.body['@odata.nextLink'];
    }
    expect(seen.size).toBe(250);
    expect(emptyPagesWithLink).toBeGreaterThan(0);
  });

  it('filters by up to 15 ids and refuses 16', async () => {
    const ids = Array.from({ length: 16 }, (_, i) => sim.tenant().userId(i * 10));
    const quoted = (list: string[]) => list.map((id) => `'${id}'`).join(',');
    const ok = await graph(
      sim,
      token,
      `/users?$filter=${encodeURIComponent(`id in (${quoted(ids.slice(0, 15))})`)}&$select=id`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.value.map((user: { id: string }) => user.id).sort()).toEqual(ids.slice(0, 15).sort());
    const tooMany = await graph(sim, token, `/users?$filter=${encodeURIComponent(`id in (${quoted(ids)})`)}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('Request_UnsupportedQuery');
  });

  it('omits soft-deleted users from an id filter', async () => {
    const ids = [sim.tenant().userId(1), sim.tenant().userId(2)];
    sim.tenant().softDeleteUser(ids[1]);
    const response = await graph(
      sim,
      token,
      `/users?$filter=${encodeURIComponent(`id in ('${ids.join("','")}')`)}`,
    );
    expect(response.body.value.map((user: { id: string }) => user.id)).toEqual([ids[0]]);
  });

  it('matches startswith on several properties combined with or', async () => {
    const user = sim.tenant().user(7)!.user;
    const filter = `startswith(displayName,'${user.givenName}') or startswith(mail,'${user.mail}')`;
    const response = await graph(sim, token, `/users?$filter=${encodeURIComponent(filter)}&$top=999`);
    expect(response.status).toBe(200);
    expect(response.body.value.length).toBeGreaterThan(0);
    for (const found of response.body.value) expect(found.displayName.startsWith(user.givenName!)).toBe(true);
  });

  it('requires ConsistencyLevel: eventual for $search and $count', async () => {
    const search = `/users?$search=${encodeURIComponent('"displayName:mar"')}&$count=true`;
    expect((await graph(sim, token, search)).status).toBe(400);
    const response = await graph(sim, token, search, { headers: { ConsistencyLevel: 'eventual' } });
    expect(response.status).toBe(200);
    expect(response.body['@odata.count']).toBeGreaterThan(0);
  });

  it("answers an unknown id with Graph's exact 404 body", async () => {
    const id = '1f0e8d6c-0000-4000-8000-000000000abc';
    const response = await graph(sim, token, `/users/${id}`, { headers: { 'client-request-id': 'abc-123' } });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: {
        code: 'Request_ResourceNotFound',
        message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        innerError: {
          date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
          'request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
          'client-request-id': 'abc-123',
        },
      },
    });
  });

  it('lists soft-deleted users in deletedItems until restored; hard-deleted are gone', async () => {
    const [soft, hard] = [sim.tenant().userId(3), sim.tenant().userId(4)];
    sim.tenant().softDeleteUser(soft);
    sim.tenant().hardDeleteUser(hard);
    expect((await graph(sim, token, `/users/${soft}`)).status).toBe(404);
    const deleted = await graph(sim, token, '/directory/deletedItems/microsoft.graph.user');
    expect(deleted.body.value.map((user: { id: string }) => user.id)).toEqual([soft]);
    expect(deleted.body.value[0].deletedDateTime).toEqual(expect.any(String));
    sim.tenant().restoreUser(soft);
    expect((await graph(sim, token, `/users/${soft}`)).status).toBe(200);
  });
});
