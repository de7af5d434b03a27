import type { Simulator } from '@adsync/tenant-sim';
import { DirectoryError } from '../../src/infra/directory';
import { clientFor, startDirectorySimulator } from './directory-harness';

let sim: Simulator;
beforeAll(async () => {
  // 1,050 groups: a search for all of them takes two pages of 999.
  sim = await startDirectorySimulator({ userCount: 60, groupCount: 1050, groupSize: 12 });
});
afterAll(() => sim.close());
afterEach(() => {
  sim.clearFaults();
  sim.tenant().configure({ groupsConsented: true });
});

describe('searching groups', () => {
  it('finds groups whose name starts with the term, in any case', async () => {
    const found = await clientFor(sim).searchGroups('engineering', 50);
    const names = found.map((group) => group.displayName);
    expect(names).toContain('Engineering');
    expect(names).toContain('Engineering Platform');
    expect(names.every((name) => name.toLowerCase().startsWith('engineering'))).toBe(true);
    expect(found[0]).toEqual({
      id: expect.any(String),
      displayName: expect.any(String),
      description: expect.stringContaining('seeded group'),
    });
  });

  it('follows pages up to 1,000 results', async () => {
    sim.resetStats();
    const found = await clientFor(sim).searchGroups('', 1000);
    expect(found).toHaveLength(1000);
    expect(new Set(found.map((group) => group.id)).size).toBe(1000);
    expect(sim.stats().requests['groups.list']).toBe(2);
  });

  it('says the group permission is missing, not the users one', async () => {
    sim.tenant().configure({ groupsConsented: false });
    const refused = await clientFor(sim)
      .searchGroups('a', 10)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DirectoryError);
    expect((refused as DirectoryError).failure).toMatchObject({
      code: 'missing_permission',
      message: expect.stringContaining('GroupMember.Read.All'),
    });
  });
});

describe('reading a group', () => {
  it('by id; a group Azure AD does not have is notFound', async () => {
    const client = clientFor(sim);
    expect(await client.readGroup(sim.tenant().groupId(1))).toEqual({
      kind: 'found',
      group: expect.objectContaining({ displayName: 'Engineering' }),
    });
    expect(await client.readGroup('00000000-0000-4000-8000-000000000000')).toEqual({ kind: 'notFound' });
    expect(await client.readGroup('not-a-guid')).toMatchObject({
      kind: 'failed',
      failure: { code: 'invalid_object_id' },
    });
  });
});

describe("reading a group's members", () => {
  it('includes the members of nested groups and counts members that are not users', async () => {
    const client = clientFor(sim);
    const engineering = sim.tenant().groupId(1);
    const expectedUsers = sim
      .tenant()
      .groupMembers(engineering, true)
      .filter((member) => member.kind === 'user')
      .map((member) => member.id);
    const transitive = await client.readGroupMembers(engineering);
    expect(
      transitive.users.map((entry) => (entry.kind === 'user' ? entry.user.id : entry.id)).sort(),
    ).toEqual([...expectedUsers].sort());
    expect(transitive.ignored).toEqual({ group: 1, device: 0, servicePrincipal: 0, orgContact: 0, other: 0 });
    // Direct members only: the nested group is there, its users are not.
    const direct = await client.readGroupMembers(engineering, { transitive: false });
    expect(direct.users.length).toBeLessThan(transitive.users.length);
    expect(direct.ignored.group).toBe(1);

    const itOperations = await client.readGroupMembers(sim.tenant().groupId(3));
    expect(itOperations.ignored).toEqual({
      group: 0,
      device: 1,
      servicePrincipal: 1,
      orgContact: 1,
      other: 0,
    });
  });

  it('reads each user with the selected properties, checked as they enter', async () => {
    const group = sim.tenant().createGroup({ displayName: 'Odd Members' });
    const odd = sim
      .tenant()
      .createUser({ userPrincipalName: 'odd@northwind.example', givenName: 'Nul\u0000l' });
    sim.tenant().addGroupMember(group.id, { id: odd.id });
    sim.tenant().addGroupMember(group.id, { id: sim.tenant().userId(5) });
    const members = await clientFor(sim).readGroupMembers(group.id);
    expect(members.users).toHaveLength(2);
    const refused = members.users.find((entry) => entry.kind === 'refused');
    expect(refused).toMatchObject({ id: odd.id, failure: { code: 'invalid_value' } });
    const read = members.users.find((entry) => entry.kind === 'user');
    expect(read).toMatchObject({ user: { id: sim.tenant().userId(5), accountEnabled: expect.any(Boolean) } });
  });

  it('fails as a whole when a page fails: page 3 of 5', async () => {
    const group = sim.tenant().createGroup({ displayName: 'Fifty Members' });
    for (let index = 0; index < 50; index++)
      sim.tenant().addGroupMember(group.id, { id: sim.tenant().userId(index) });
    const client = clientFor(sim, { memberPageSize: 10 });
    sim.resetStats();
    expect((await client.readGroupMembers(group.id)).users).toHaveLength(50);
    expect(sim.stats().requests['groups.transitiveMembers']).toBe(5);

    sim.addFault({
      route: 'groups.transitiveMembers',
      kind: 'status',
      status: 500,
      match: group.id,
      skip: 2,
    });
    sim.resetStats();
    const failure = await client.readGroupMembers(group.id).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryError);
    expect((failure as DirectoryError).failure.code).toBe('server_error');
    expect(sim.stats().requests['groups.transitiveMembers']).toBe(3);
  });
});

describe('reading groups whole, batched', () => {
  it('reads 40 groups with 15 to a filter and 20 first member pages to a batch; only a 404 is notFound', async () => {
    const tenant = sim.tenant();
    const big = tenant.createGroup({ displayName: 'Batched Fifty' });
    for (let index = 0; index < 50; index++) tenant.addGroupMember(big.id, { id: tenant.userId(index) });
    const gone = tenant.createGroup({ displayName: 'Batched Gone' });
    tenant.hardDeleteGroup(gone.id);
    const failing = tenant.groupId(10);
    const ids = [
      big.id,
      gone.id,
      failing,
      ...Array.from({ length: 37 }, (_, index) => tenant.groupId(20 + index)),
    ];
    sim.addFault({ route: 'groups.transitiveMembers', kind: 'status', status: 500, match: failing });
    sim.resetStats();

    const reads = await clientFor(sim, { memberPageSize: 10 }).readGroupsWhole(ids);

    expect(reads.get(gone.id)).toEqual({ kind: 'notFound' });
    expect(reads.get(failing)).toMatchObject({
      kind: 'failed',
      whileReadingMembers: true,
      failure: { code: 'server_error' },
    });
    const bigRead = reads.get(big.id);
    expect(bigRead?.kind === 'found' && bigRead.members.users).toHaveLength(50);
    const seeded = reads.get(tenant.groupId(20));
    expect(seeded).toMatchObject({ kind: 'found', group: { id: tenant.groupId(20) } });
    expect(seeded?.kind === 'found' && seeded.members.users).toHaveLength(12);
    const stats = sim.stats();
    // 3 filters in one batch, 40 first pages in two, the missing group by id in one, the failing item sent
    // again alone twice; later pages one by one: 4 of Big, 1 of each seeded group of 12.
    expect(stats.batchItems['groups.list']).toBe(3);
    expect(stats.batchItems['groups.get']).toBe(1);
    expect(stats.requests.batch).toBeGreaterThanOrEqual(4);
    expect(stats.requests['groups.transitiveMembers']).toBe(4 + 37);
    expect(stats.requests['groups.get']).toBeUndefined();
  });
  it('hands the pages of a group of several pages on one by one, holding none; a single page stays held', async () => {
    const tenant = sim.tenant();
    const paged = tenant.createGroup({ displayName: 'Paged Fifty' });
    for (let index = 0; index < 50; index++) tenant.addGroupMember(paged.id, { id: tenant.userId(index) });
    const failing = tenant.createGroup({ displayName: 'Paged Failing' });
    for (let index = 0; index < 50; index++) tenant.addGroupMember(failing.id, { id: tenant.userId(index) });
    const small = tenant.createGroup({ displayName: 'Paged Small' }).id;
    for (let index = 0; index < 3; index++) tenant.addGroupMember(small, { id: tenant.userId(index) });
    sim.addFault({
      route: 'groups.transitiveMembers',
      kind: 'status',
      status: 500,
      match: failing.id,
      skip: 2,
    });
    const handed: Array<{ groupId: string; ids: string[] }> = [];

    const reads = await clientFor(sim, { memberPageSize: 10, maxRetries: 0 }).readGroupsWhole(
      [paged.id, failing.id, small],
      {
        memberPages: async (groupId, users) => {
          handed.push({
            groupId,
            ids: users.map((entry) => (entry.kind === 'user' ? entry.user.id : entry.id)),
          });
        },
      },
    );

    expect(reads.get(paged.id)).toMatchObject({ kind: 'found', paged: true, members: { users: [] } });
    const pages = handed.filter((page) => page.groupId === paged.id);
    expect(pages.map((page) => page.ids.length)).toEqual([10, 10, 10, 10, 10]);
    expect(new Set(pages.flatMap((page) => page.ids)).size).toBe(50);
    // Pages 1 and 2 were handed on before page 3 failed: the group fails all the same.
    expect(reads.get(failing.id)).toMatchObject({ kind: 'failed', whileReadingMembers: true });
    expect(handed.filter((page) => page.groupId === failing.id)).toHaveLength(2);
    const smallRead = reads.get(small);
    expect(smallRead).toMatchObject({ kind: 'found', paged: false });
    expect(smallRead?.kind === 'found' && smallRead.members.users).toHaveLength(3);
    expect(handed.some((page) => page.groupId === small)).toBe(false);
  });
});

describe('testing the connection', () => {
  it('tells a missing group permission apart while users still work', async () => {
    const client = clientFor(sim);
    expect(await client.testConnection()).toMatchObject({ ok: true, groupAccess: null });
    sim.tenant().configure({ groupsConsented: false });
    const result = await client.testConnection();
    expect(result).toMatchObject({
      ok: true,
      sampleUser: expect.objectContaining({ id: expect.any(String) }),
      groupAccess: { code: 'missing_permission', message: expect.stringContaining('GroupMember.Read.All') },
    });
  });
});
