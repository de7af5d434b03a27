import type { Simulator } from '@adsync/tenant-sim';
import { DirectoryError } from '../../src/infra/directory';
import { clientFor, startDirectorySimulator } from './directory-harness';

describe('searchUsers over the real SDK chain', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startDirectorySimulator();
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  it('finds users whose name, mail or UPN starts with the term', async () => {
    const target = sim.tenant().user(42)!.user;
    const byName = await clientFor(sim).searchUsers(target.displayName!, 50);
    expect(byName.map((user) => user.id)).toContain(target.id);
    for (const user of byName)
      expect(user.displayName?.toLowerCase().startsWith(target.displayName!.toLowerCase())).toBe(true);
    const byUpn = await clientFor(sim).searchUsers(target.userPrincipalName, 5);
    expect(byUpn.map((user) => user.id)).toEqual([target.id]);
  });

  it('follows pages, empty ones included, up to the limit', async () => {
    sim.tenant().configure({ emptyPageRate: 1 });
    const users = await clientFor(sim).searchUsers('', 1200);
    expect(users).toHaveLength(700);
    expect(new Set(users.map((user) => user.id)).size).toBe(700);
    expect((await clientFor(sim).searchUsers('', 30)).length).toBe(30);
  });

  it("escapes quotes: O'Brien is a term, not an injection", async () => {
    const created = sim
      .tenant()
      .createUser({ userPrincipalName: 'obrien@northwind.example', displayName: "O'Brien Liam" });
    expect((await clientFor(sim).searchUsers("O'Brien", 10)).map((user) => user.id)).toEqual([created.id]);
    expect(await clientFor(sim).searchUsers("zz') or startswith(mail,'", 10)).toEqual([]);
  });

  it('throws a DirectoryError carrying the classified failure', async () => {
    sim.tenant().configure({ consented: false });
    const search = clientFor(sim).searchUsers('a', 10);
    await expect(search).rejects.toBeInstanceOf(DirectoryError);
    await expect(search).rejects.toMatchObject({ failure: { code: 'missing_permission', status: 403 } });
  });

  it('retries a 503 and succeeds', async () => {
    sim.addFault({ route: 'users.list', kind: 'status', status: 503, times: 1 });
    const client = clientFor(sim);
    expect(await client.searchUsers('', 3)).toHaveLength(3);
    expect(client.stats()).toMatchObject({ requests: 2, retries: 1 });
  });
});
