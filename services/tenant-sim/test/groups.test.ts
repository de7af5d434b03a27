import type { Simulator } from '../src';
import { accessToken, type GraphResult, graph, startTestSimulator } from './sim-harness';

/** 250 users; #0 All Staff holds all of them, #1 holds #2 (nested), #3 holds three non-user objects. */
const GROUP_COUNT = 12;
const GROUP_SIZE = 30;

describe('Graph /groups', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator({}, { groupCount: GROUP_COUNT, groupSize: GROUP_SIZE });
    token = await accessToken(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  const ids = (page: GraphResult) => page.body.value.map((item: { id: string }) => item.id);

  /** Follows nextLinks from `start`; returns every item and how many pages were read. */
  async function readAll(start: string) {
    const items: Record<string, unknown>[] = [];
    let pages = 0;
    let next: string | undefined = start;
    while (next) {
      const page = await graph(sim, token, next);
      expect(page.status).toBe(200);
      pages += 1;
      items.push(...page.body.value);
      next = page.body['@odata.nextLink'];
    }
    return { items, pages };
  }

  it('lists groups with $select, $top paging and empty pages, each group once', async () => {
    sim.tenant().configure({ emptyPageRate: 1 });
    const { items, pages } = await readAll('/groups?$select=id,displayName,description&$top=5');
    expect(items).toHaveLength(GROUP_COUNT);
    expect(new Set(items.map((group) => group.id)).size).toBe(GROUP_COUNT);
    expect(Object.keys(items[0]).sort()).toEqual(['description', 'displayName', 'id']);
    expect(items[0]).toMatchObject({ id: sim.tenant().groupId(0), displayName: 'All Staff' });
    expect(pages).toBeGreaterThan(3);
    expect((await graph(sim, token, '/groups?$top=1000')).status).toBe(400);
  });

  it('searches by startswith on displayName and filters by up to 15 ids', async () => {
    const engineering = await graph(
      sim,
      token,
      `/groups?$filter=${encodeURIComponent("startswith(displayName,'engineering')")}&$select=displayName`,
    );
    expect(engineering.body.value).toEqual([
      { displayName: 'Engineering' },
      { displayName: 'Engineering Platform' },
    ]);
    const wanted = [1, 4, 7].map((index) => sim.tenant().groupId(index));
    const byId = await graph(
      sim,
      token,
      `/groups?$filter=${encodeURIComponent(`id in (${wanted.map((id) => `'${id}'`).join(',')})`)}`,
    );
    expect(ids(byId).sort()).toEqual([...wanted].sort());
    const sixteen = Array.from({ length: 16 }, (_, i) => `'${sim.tenant().groupId(i % GROUP_COUNT)}'`);
    const tooMany = await graph(sim, token, `/groups?$filter=${encodeURIComponent(`id in (${sixteen})`)}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('Request_UnsupportedQuery');
  });

  it('reads a group by id; a deleted group answers 404 until restored, and sits in deletedItems', async () => {
    const id = sim.tenant().groupId(5);
    const live = await graph(sim, token, `/groups/${id}?$select=id,displayName,description`);
    expect(live.body).toMatchObject({ id, displayName: 'Sales', description: expect.any(String) });

    sim.tenant().softDeleteGroup(id);
    const gone = await graph(sim, token, `/groups/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('Request_ResourceNotFound');
    const deleted = await graph(sim, token, '/directory/deletedItems/microsoft.graph.group');
    expect(deleted.body.value).toEqual([
      expect.objectContaining({ id, deletedDateTime: expect.any(String) }),
    ]);
    expect((await graph(sim, token, `/groups/${id}/members`)).status).toBe(404);

    sim.tenant().restoreGroup(id);
    expect((await graph(sim, token, `/groups/${id}`)).status).toBe(200);
    expect((await readAll(`/groups/${id}/members`)).items).toHaveLength(GROUP_SIZE);

    sim.tenant().hardDeleteGroup(id);
    expect(() => sim.tenant().restoreGroup(id)).toThrow();
    expect((await graph(sim, token, `/groups/${id}`)).status).toBe(404);
  });

  it('pages a large group\u2019s members with $top and a nextLink, each member once', async () => {
    const allStaff = sim.tenant().groupId(0);
    const first = await graph(
      sim,
      token,
      `/groups/${allStaff}/members/microsoft.graph.user?$select=id,mail&$top=100`,
    );
    expect(first.body.value).toHaveLength(100);
    expect(Object.keys(first.body.value[0]).sort()).toEqual(['id', 'mail']);
    const { items, pages } = await readAll(
      `/groups/${allStaff}/members/microsoft.graph.user?$select=id&$top=100`,
    );
    expect(pages).toBe(3);
    expect(new Set(items.map((user) => user.id)).size).toBe(250);
    expect((await graph(sim, token, `/groups/${allStaff}/members?$top=1000`)).status).toBe(400);
  });

  it('lists non-user members with their types, and the user cast leaves them out', async () => {
    const itOperations = sim.tenant().groupId(3);
    const all = (await readAll(`/groups/${itOperations}/members?$select=id,displayName`)).items;
    const types = all.map((member) => member['@odata.type']);
    expect(types.filter((type) => type === '#microsoft.graph.user')).toHaveLength(GROUP_SIZE);
    expect(types.filter((type) => type !== '#microsoft.graph.user').sort()).toEqual([
      '#microsoft.graph.device',
      '#microsoft.graph.orgContact',
      '#microsoft.graph.servicePrincipal',
    ]);
    const users = (await readAll(`/groups/${itOperations}/members/microsoft.graph.user?$select=id`)).items;
    expect(users).toHaveLength(GROUP_SIZE);
    expect(users[0]).toEqual({ id: expect.any(String) });
  });

  it('serves transitive members of a nested group: the nested group, its members, each once', async () => {
    const [outer, inner] = [sim.tenant().groupId(1), sim.tenant().groupId(2)];
    const direct = (await readAll(`/groups/${outer}/members?$select=id`)).items.map(
      (member) => member.id as string,
    );
    expect(direct).toContain(inner);
    expect(direct).toHaveLength(GROUP_SIZE + 1);
    const innerUsers = sim
      .tenant()
      .groupMembers(inner)
      .map((member) => member.id);
    const outerUsers = direct.filter((id) => id !== inner);
    const expectedUsers = new Set([...outerUsers, ...innerUsers]);

    const transitive = (await readAll(`/groups/${outer}/transitiveMembers?$select=id&$top=7`)).items;
    expect(transitive.map((member) => member.id).sort()).toEqual([...expectedUsers, inner].sort());
    const transitiveUsers = (
      await readAll(`/groups/${outer}/transitiveMembers/microsoft.graph.user?$select=id&$top=7`)
    ).items.map((user) => user.id);
    expect(transitiveUsers.sort()).toEqual([...expectedUsers].sort());

    // A member removed from the nested group, or a deleted user, is no longer a transitive member.
    const onlyInner = innerUsers.find((id) => !outerUsers.includes(id)) as string;
    sim.tenant().removeGroupMember(inner, onlyInner);
    const deletedUser = outerUsers.find((id) => !innerUsers.includes(id)) as string;
    sim.tenant().softDeleteUser(deletedUser);
    const after = (await readAll(`/groups/${outer}/transitiveMembers/microsoft.graph.user?$select=id`)).items;
    expect(after.map((user) => user.id)).not.toContain(onlyInner);
    expect(after.map((user) => user.id)).not.toContain(deletedUser);
    expect(after).toHaveLength(expectedUsers.size - 2);
  });

  it('changes groups and memberships through the admin API', async () => {
    const base = `${sim.url}/_sim/tenants/${sim.tenant().tenantId}/groups`;
    const send = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(url, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    const created = await send('POST', base, { displayName: 'Finance', description: 'A second Finance' });
    expect(created.status).toBe(201);
    const groupId = created.body.id as string;
    const [user, nested] = [sim.tenant().userId(3), sim.tenant().groupId(6)];
    expect((await send('POST', `${base}/${groupId}/members`, { id: user })).status).toBe(201);
    expect((await send('POST', `${base}/${groupId}/members`, { id: nested })).status).toBe(201);
    const device = await send('POST', `${base}/${groupId}/members`, { type: 'device', displayName: 'Kiosk' });
    expect(device.body).toEqual({ id: expect.any(String), kind: 'device' });
    expect((await send('POST', `${base}/${groupId}/members`, { id: user })).status).toBe(400);
    expect((await send('POST', `${base}/${nested}/members`, { id: groupId })).status).toBe(400);
    expect((await send('POST', `${base}/${groupId}/members`, { id: 'nobody' })).status).toBe(404);
    expect((await send('PATCH', `${base}/${groupId}`, { displayName: 'Finance EU' })).body.displayName).toBe(
      'Finance EU',
    );
    expect((await send('DELETE', `${base}/${groupId}/members/${user}`)).status).toBe(204);
    expect((await send('DELETE', `${base}/${groupId}/members/${user}`)).status).toBe(404);

    const members = await graph(sim, token, `/groups/${groupId}/members?$select=id`);
    expect(ids(members).sort()).toEqual([nested, device.body.id].sort());
    const transitive = await send('GET', `${base}/${groupId}/members?transitive=true`);
    expect(transitive.body).toHaveLength(2 + GROUP_SIZE);
    // Names are not unique: the seeded Finance and the created one are both found.
    const finance = await graph(
      sim,
      token,
      `/groups?$filter=${encodeURIComponent("startswith(displayName,'Finance')")}&$select=id`,
    );
    expect(finance.body.value).toHaveLength(2);

    expect((await send('DELETE', `${base}/${groupId}`)).status).toBe(204);
    expect((await send('GET', `${base}/${groupId}`)).body.state).toBe('softDeleted');
    expect((await send('POST', `${base}/${groupId}/restore`)).status).toBe(200);
    expect((await graph(sim, token, `/groups/${groupId}`)).status).toBe(200);
  });

  it('serves group reads inside $batch', async () => {
    const group = sim.tenant().groupId(1);
    const requests = [
      { id: '1', method: 'GET', url: `/groups/${group}?$select=displayName` },
      { id: '2', method: 'GET', url: `/groups/${group}/members/microsoft.graph.user?$select=id&$top=999` },
      { id: '3', method: 'GET', url: `/groups/${group}/transitiveMembers?$select=id` },
      { id: '4', method: 'GET', url: '/groups/delta?$select=displayName,members' },
      { id: '5', method: 'GET', url: '/groups?$top=2' },
    ];
    const response = await graph(sim, token, '/$batch', { method: 'POST', body: { requests } });
    const byId = Object.fromEntries(response.body.responses.map((item: { id: string }) => [item.id, item]));
    expect(Object.values(byId).map((item) => (item as { status: number }).status)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect(byId['1'].body.displayName).toBe('Engineering');
    expect(byId['2'].body.value).toHaveLength(GROUP_SIZE);
    expect(byId['3'].body.value.length).toBeGreaterThan(GROUP_SIZE);
    expect(byId['4'].body.value.length).toBeGreaterThan(0);
    expect(byId['5'].body.value).toHaveLength(2);
    expect(sim.stats().batchItems).toMatchObject({
      'groups.get': 1,
      'groups.members': 1,
      'groups.transitiveMembers': 1,
      'groups.delta': 1,
      'groups.list': 1,
    });
  });

  it.each([
    ['/groups', 1],
    ['/groups?$select=id', 1],
    ['/groups?$top=5', 1],
    ['/groups?$expand=members', 2],
    ['/groups/{id}', 1],
    ['/groups/{id}/members', 3],
    ['/groups/{id}/members?$select=id', 2],
    ['/groups/{id}/members/microsoft.graph.user?$select=id&$top=5', 1],
    ['/groups/{id}/members?$top=999', 3],
    ['/groups/{id}/transitiveMembers', 5],
    ['/groups/{id}/transitiveMembers/microsoft.graph.user?$select=id', 4],
    ['/groups/{id}/transitiveMembers?$select=id&$top=10', 3],
    ['/groups/delta?$select=displayName,members', 1],
    ['/groups/delta?$select=displayName&$expand=members', 1],
  ])('charges %s %i resource units from the tenant\u2019s bucket', async (path, units) => {
    const response = await graph(sim, token, path.replace('{id}', sim.tenant().groupId(1)));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ms-resource-unit')).toBe(String(units));
    expect(sim.stats().resourceUnits).toBe(units);
  });

  it('draws users and groups from one bucket', async () => {
    sim.setThrottle(6);
    const group = sim.tenant().groupId(1);
    expect((await graph(sim, token, `/groups/${group}/members`)).status).toBe(200);
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(200);
    const throttled = await graph(sim, token, `/groups/${group}/members`);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('injects a fault into one group\u2019s reads, from a given page on', async () => {
    const [hit, spared] = [sim.tenant().groupId(0), sim.tenant().groupId(1)];
    sim.addFault({ route: 'groups.members', kind: 'status', status: 503, match: hit, skip: 2, times: 1 });
    let next: string | undefined = `/groups/${hit}/members?$select=id&$top=50`;
    const statuses: number[] = [];
    while (next) {
      const page: GraphResult = await graph(sim, token, next);
      statuses.push(page.status);
      next = page.status === 200 ? page.body['@odata.nextLink'] : undefined;
    }
    expect(statuses).toEqual([200, 200, 503]);
    expect((await graph(sim, token, `/groups/${spared}/members`)).status).toBe(200);
    expect((await graph(sim, token, `/groups/${hit}/members`)).status).toBe(200);
  });

  it('answers 403 on group routes without group consent while users still work', async () => {
    sim.tenant().configure({ groupsConsented: false });
    const denied = await graph(sim, token, '/groups');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
    expect((await graph(sim, token, '/groups/delta')).status).toBe(403);
    expect((await graph(sim, token, '/users?$top=1')).status).toBe(200);
  });
});
