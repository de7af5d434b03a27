import type { Simulator } from '../src';
import { accessToken, type GraphResult, graph, startTestSimulator } from './sim-harness';

/** 250 users; group #0 (All Staff) holds all of them, so at 100 members a page it spans three pages. */
const GROUP_COUNT = 10;
const GROUP_SIZE = 20;

interface DeltaGroup {
  id: string;
  displayName?: string;
  '@removed'?: { reason: string };
  'members@delta'?: { '@odata.type': string; id: string; '@removed'?: { reason: string } }[];
}

describe('Graph /groups/delta', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator(
      {},
      { groupCount: GROUP_COUNT, groupSize: GROUP_SIZE, maxDeltaMembersPerPage: 100 },
    );
    token = await accessToken(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  /** Follows nextLinks until the deltaLink; returns every page's groups and the deltaLink. */
  async function drain(start: string, maxPageSize = 4) {
    const pages: DeltaGroup[][] = [];
    let page: GraphResult = await graph(sim, token, start, {
      headers: { Prefer: `odata.maxpagesize=${maxPageSize}` },
    });
    for (;;) {
      expect(page.status).toBe(200);
      pages.push(page.body.value);
      if (page.body['@odata.deltaLink']) return { pages, deltaLink: page.body['@odata.deltaLink'] as string };
      page = await graph(sim, token, page.body['@odata.nextLink'], {
        headers: { Prefer: `odata.maxpagesize=${maxPageSize}` },
      });
    }
  }

  /** Members merged by group id across every appearance of the group in the round, as a client must. */
  function merge(pages: DeltaGroup[][]) {
    const members = new Map<string, Map<string, string>>();
    for (const group of pages.flat()) {
      const merged = members.get(group.id) ?? new Map<string, string>();
      members.set(group.id, merged);
      for (const member of group['members@delta'] ?? []) {
        merged.set(member.id, member['@removed'] ? 'removed' : member['@odata.type']);
      }
    }
    return members;
  }

  it('first round: every group with its members, a large group split across pages and merged by id', async () => {
    const { pages } = await drain('/groups/delta?$select=displayName,description,members');
    const appearances = pages.flat();
    const allStaff = sim.tenant().groupId(0);
    const allStaffPages = pages
      .map((page, index) => (page.some((group) => group.id === allStaff) ? index : -1))
      .filter((index) => index >= 0);
    expect(allStaffPages.length).toBeGreaterThanOrEqual(3);
    // It reappears later in the round, after groups it did not come with.
    const positions = appearances
      .map((group, index) => (group.id === allStaff ? index : -1))
      .filter((i) => i >= 0);
    const between = appearances
      .slice(positions[0] + 1, positions[1])
      .filter((group) => group.id !== allStaff);
    expect(between.length).toBeGreaterThan(0);
    for (const page of pages) {
      const members = page.reduce((sum, group) => sum + (group['members@delta']?.length ?? 0), 0);
      expect(members).toBeLessThanOrEqual(100);
    }

    const merged = merge(pages);
    expect(merged.size).toBe(GROUP_COUNT);
    expect(merged.get(allStaff)?.size).toBe(250);
    const nested = merged.get(sim.tenant().groupId(1));
    expect(nested?.get(sim.tenant().groupId(2))).toBe('#microsoft.graph.group');
    expect(nested?.size).toBe(GROUP_SIZE + 1);
    const itOperations = [...(merged.get(sim.tenant().groupId(3))?.values() ?? [])];
    expect(itOperations).toEqual(
      expect.arrayContaining(['#microsoft.graph.device', '#microsoft.graph.orgContact']),
    );
    const named = appearances.find((group) => group.id === allStaff);
    expect(named).toMatchObject({ displayName: 'All Staff', description: expect.any(String) });
  });

  it('later rounds: only changes, removed members with @removed, deleted groups with their reason', async () => {
    const { deltaLink } = await drain('/groups/delta?$select=displayName,members');
    const control = sim.tenant();
    const [renamed, shrunk, grown, softDeleted, hardDeleted] = [4, 5, 6, 7, 8].map((index) =>
      control.groupId(index),
    );
    control.updateGroup(renamed, { displayName: 'Renamed Team' });
    const removedMember = control.groupMembers(shrunk)[0].id;
    control.removeGroupMember(shrunk, removedMember);
    const newcomer = control.createUser({ userPrincipalName: 'new.member@fabrikam.example' });
    control.addGroupMember(grown, { id: newcomer.id });
    control.softDeleteGroup(softDeleted);
    control.hardDeleteGroup(hardDeleted);
    const created = control.createGroup({ displayName: 'Brand New' });
    control.addGroupMember(created.id, { id: control.userId(1) });

    const changes = (await drain(deltaLink)).pages.flat();
    const byId = new Map(changes.map((group) => [group.id, group]));
    expect(byId.get(renamed)).toMatchObject({ displayName: 'Renamed Team' });
    expect(byId.get(shrunk)?.['members@delta']).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: removedMember, '@removed': { reason: 'deleted' } },
    ]);
    expect(byId.get(grown)?.['members@delta']).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: newcomer.id },
    ]);
    expect(byId.get(softDeleted)).toEqual({ id: softDeleted, '@removed': { reason: 'changed' } });
    expect(byId.get(hardDeleted)).toEqual({ id: hardDeleted, '@removed': { reason: 'deleted' } });
    expect(byId.get(created.id)).toMatchObject({
      displayName: 'Brand New',
      'members@delta': [{ '@odata.type': '#microsoft.graph.user', id: control.userId(1) }],
    });
    expect(byId.size).toBe(6);
  });

  it('reports a deleted user as removed from each group it was in, and back when restored', async () => {
    const { deltaLink } = await drain('/groups/delta?$select=id,members');
    const user = sim.tenant().userId(0);
    const holders = [...Array(GROUP_COUNT).keys()]
      .map((index) => sim.tenant().groupId(index))
      .filter((group) =>
        sim
          .tenant()
          .groupMembers(group)
          .some((member) => member.id === user),
      );
    sim.tenant().softDeleteUser(user);
    const removal = await drain(deltaLink);
    const removedFrom = removal.pages
      .flat()
      .filter((group) => group['members@delta']?.some((member) => member.id === user && member['@removed']));
    expect(removedFrom.map((group) => group.id).sort()).toEqual(holders.sort());

    sim.tenant().restoreUser(user);
    const back = (await drain(removal.deltaLink)).pages.flat();
    expect(back.map((group) => group.id).sort()).toEqual(holders.sort());
    for (const group of back)
      expect(group['members@delta']).toEqual([{ '@odata.type': '#microsoft.graph.user', id: user }]);
  });

  it('serves a group deleted then restored within a round as a whole group, with no annotation', async () => {
    const { deltaLink } = await drain('/groups/delta?$select=displayName,members');
    const group = sim.tenant().groupId(9);
    sim.tenant().softDeleteGroup(group);
    sim.tenant().restoreGroup(group);
    const changes = (await drain(deltaLink)).pages.flat();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ id: group, displayName: expect.any(String) });
    expect(changes[0]['@removed']).toBeUndefined();
    expect(changes[0]['members@delta']).toHaveLength(GROUP_SIZE);
  });

  it('splits a large membership change across pages too', async () => {
    const { deltaLink } = await drain('/groups/delta?$select=id,members');
    const group = sim.tenant().groupId(4);
    const added = Array.from({ length: 150 }, (_, i) =>
      sim.tenant().createUser({ userPrincipalName: `bulk${i}@fabrikam.example` }),
    );
    for (const user of added) sim.tenant().addGroupMember(group, { id: user.id });
    const { pages } = await drain(deltaLink);
    expect(pages.filter((page) => page.some((entry) => entry.id === group)).length).toBe(2);
    expect(merge(pages).get(group)?.size).toBe(150);
  });

  it('leaves members out unless selected, starts from now with latest, and expires tokens with 410', async () => {
    const plain = await drain('/groups/delta?$select=displayName');
    expect(plain.pages.flat().every((group) => group['members@delta'] === undefined)).toBe(true);
    expect(plain.pages.flat()).toHaveLength(GROUP_COUNT);
    sim.tenant().addGroupMember(sim.tenant().groupId(5), { id: sim.tenant().userId(200) });
    expect((await drain(plain.deltaLink)).pages.flat()).toHaveLength(0);

    const latest = await graph(sim, token, '/groups/delta?$deltatoken=latest');
    expect(latest.body.value).toEqual([]);
    sim.tenant().updateGroup(sim.tenant().groupId(6), { description: 'Changed' });
    expect((await drain(latest.body['@odata.deltaLink'])).pages.flat()).toHaveLength(1);

    sim.tenant().expireDeltaTokens();
    const expired = await graph(sim, token, latest.body['@odata.deltaLink']);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('syncStateNotFound');
    expect(expired.headers.get('location')).toMatch(/\/v1\.0\/groups\/delta$/);
    expect((await graph(sim, token, '/groups/delta?$top=5')).status).toBe(400);
  });
});
