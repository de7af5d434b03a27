import { seededTenant, type TenantOptions } from '../src';
import { accessToken, graph, startTestSimulator, TENANT } from './sim-harness';

const sizesOf = (options: TenantOptions) => {
  const tenant = seededTenant(options);
  return Array.from(
    { length: tenant.groupCount },
    (_, index) =>
      tenant.groupMembers(tenant.groupId(index)).filter((member) => member.kind === 'user').length,
  );
};

describe('large group tenant seeding', () => {
  it('holds exactly the memberships asked for: the large group, then sizes spread around the average', () => {
    const sizes = sizesOf({
      ...TENANT,
      userCount: 2_000,
      groupCount: 101,
      groupMemberships: 21_500,
      largeGroupSize: 1_500,
    });
    expect(sizes[0]).toBe(1_500);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(21_500);
    const rest = sizes.slice(1);
    expect(Math.min(...rest)).toBeLessThan(150);
    expect(Math.max(...rest)).toBeGreaterThan(250);
    expect(Math.min(...rest)).toBeGreaterThanOrEqual(40);
  });

  it('nests the asked number of groups, each holding the next, and serves them transitively', () => {
    const tenant = seededTenant({
      ...TENANT,
      userCount: 500,
      groupCount: 40,
      groupSize: 10,
      nestedGroups: 3,
    });
    const holders = Array.from({ length: 40 }, (_, index) => index).filter((index) =>
      tenant.groupMembers(tenant.groupId(index)).some((member) => member.kind === 'group'),
    );
    expect(holders).toHaveLength(3);
    expect(holders[0]).toBe(1);
    for (const outer of holders) {
      const nested = tenant.groupMembers(tenant.groupId(outer)).find((member) => member.kind === 'group');
      expect(nested?.id).toBe(tenant.groupId(outer + 1));
      const transitive = tenant.groupMembers(tenant.groupId(outer), true).map((member) => member.id);
      for (const member of tenant.groupMembers(tenant.groupId(outer + 1)))
        expect(transitive).toContain(member.id);
    }
  });

  it('keeps the defaults: All Staff holds everyone, #1 holds #2, groupSize users elsewhere', () => {
    const sizes = sizesOf({ ...TENANT, userCount: 300, groupCount: 10, groupSize: 25 });
    expect(sizes).toEqual([300, ...Array(9).fill(25)]);
    const tenant = seededTenant({ ...TENANT, userCount: 300, groupCount: 10 });
    expect(tenant.groupMembers(tenant.groupId(1)).filter((member) => member.kind === 'group')).toEqual([
      { id: tenant.groupId(2), kind: 'group' },
    ]);
  });

  it('serves 5,000 groups holding 1,000,000 memberships without materialising them', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const sim = await startTestSimulator(
      {},
      { userCount: 100_000, groupCount: 5_000, groupMemberships: 1_000_000, nestedGroups: 5 },
    );
    try {
      const token = await accessToken(sim);
      const pageOf = (index: number, top: number) =>
        graph(
          sim,
          token,
          `/groups/${sim.tenant().groupId(index)}/members/microsoft.graph.user?$select=id&$top=${top}`,
        );
      let page = await pageOf(0, 999);
      const seen = new Set<string>();
      for (let pages = 0; pages < 3; pages++) {
        expect(page.status).toBe(200);
        expect(page.body.value).toHaveLength(999);
        for (const { id } of page.body.value) seen.add(id);
        page = await graph(sim, token, page.body['@odata.nextLink']);
      }
      expect(seen.size).toBe(2_997);
      const last = await pageOf(4_999, 999);
      expect(last.status).toBe(200);
      expect(last.body.value.length).toBeGreaterThan(30);
      expect(last.body['@odata.nextLink']).toBeUndefined();
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
