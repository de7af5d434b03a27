import type { Simulator } from '../src';
import { accessToken, type GraphResult, graph, startTestSimulator } from './sim-harness';

describe('Graph /users/delta', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator({}, { userCount: 120 });
    token = await accessToken(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.reset());

  /** Follows nextLinks until the deltaLink; returns every item and the deltaLink. */
  async function drain(start: string) {
    const items: Record<string, unknown>[] = [];
    let page: GraphResult = await graph(sim, token, start, { headers: { Prefer: 'odata.maxpagesize=50' } });
    for (;;) {
      expect(page.status).toBe(200);
      items.push(...page.body.value);
      if (page.body['@odata.deltaLink']) return { items, deltaLink: page.body['@odata.deltaLink'] as string };
      page = await graph(sim, token, page.body['@odata.nextLink'], {
        headers: { Prefer: 'odata.maxpagesize=50' },
      });
    }
  }

  it('enumerates everyone, then reports only changes with @removed reasons', async () => {
    const initial = await drain('/users/delta?$select=id,displayName');
    expect(initial.items).toHaveLength(120);
    const [changed, soft, hard] = [0, 1, 2].map((i) => sim.tenant().userId(i));
    sim.tenant().updateUser(changed, { displayName: 'Renamed Person' });
    sim.tenant().softDeleteUser(soft);
    sim.tenant().hardDeleteUser(hard);
    const created = sim
      .tenant()
      .createUser({ userPrincipalName: 'new.person@fabrikam.example', displayName: 'New Person' });

    const changes = await drain(initial.deltaLink);
    expect(changes.items).toEqual(
      expect.arrayContaining([
        { id: changed, displayName: 'Renamed Person' },
        { id: soft, '@removed': { reason: 'changed' } },
        { id: hard, '@removed': { reason: 'deleted' } },
        { id: created.id, displayName: 'New Person' },
      ]),
    );
    expect(changes.items).toHaveLength(4);
    expect((await drain(changes.deltaLink)).items).toHaveLength(0);
  });

  it('starts from now with $deltatoken=latest', async () => {
    const latest = await graph(sim, token, '/users/delta?$deltatoken=latest');
    expect(latest.body.value).toEqual([]);
    sim.tenant().updateUser(sim.tenant().userId(9), { surname: 'Changed' });
    expect((await drain(latest.body['@odata.deltaLink'])).items).toHaveLength(1);
  });

  it('answers 410 syncStateNotFound for an expired token', async () => {
    const { deltaLink } = await drain('/users/delta?$select=id');
    sim.tenant().expireDeltaTokens();
    const response = await graph(sim, token, deltaLink);
    expect(response.status).toBe(410);
    expect(response.body.error.code).toBe('syncStateNotFound');
    expect(response.headers.get('location')).toMatch(/\/v1\.0\/users\/delta$/);
  });

  it('serves no more per page than the tenant allows, whatever the preference', async () => {
    sim.tenant().configure({ maxDeltaPageSize: 7 });
    const first = await graph(sim, token, '/users/delta?$select=id', {
      headers: { Prefer: 'odata.maxpagesize=50' },
    });
    expect(first.body.value).toHaveLength(7);
    expect((await drain('/users/delta?$select=id')).items).toHaveLength(120);
  });

  it('serves a user changed after its page again later in the same round (a replay)', async () => {
    const { deltaLink } = await drain('/users/delta?$select=id,surname');
    sim.tenant().configure({ maxDeltaPageSize: 2 });
    const ids = [0, 1, 2, 3].map((index) => sim.tenant().userId(index));
    for (const id of ids) sim.tenant().updateUser(id, { surname: 'First' });
    const first = await graph(sim, token, deltaLink);
    expect(first.body.value.map((user: { id: string }) => user.id)).toEqual(ids.slice(0, 2));
    sim.tenant().updateUser(ids[0], { surname: 'Second' });

    const rest = await drain(first.body['@odata.nextLink']);

    expect(rest.items).toEqual([
      { id: ids[2], surname: 'First' },
      { id: ids[3], surname: 'First' },
      { id: ids[0], surname: 'Second' },
    ]);
  });

  it('serves updates as the id and the selected properties that changed, when the tenant says so', async () => {
    const { deltaLink } = await drain('/users/delta?$select=id,surname,mail,mobilePhone');
    sim.tenant().configure({ partialDeltaUpdates: true });
    const [once, twice] = [0, 1].map((index) => sim.tenant().userId(index));
    sim.tenant().updateUser(once, { surname: 'Once', jobTitle: 'Not selected' });
    sim.tenant().updateUser(twice, { surname: 'Twice' });
    sim.tenant().updateUser(twice, { mobilePhone: null });
    const created = sim
      .tenant()
      .createUser({ userPrincipalName: 'partial.new@fabrikam.example', surname: 'New' });

    const changes = await drain(deltaLink);

    expect(changes.items).toEqual([
      { id: once, surname: 'Once' },
      { id: twice, surname: 'Twice', mobilePhone: null },
      { id: created.id, surname: 'New', mail: null, mobilePhone: null },
    ]);
  });

  it('serves a change of accountEnabled, whole or as the only changed property', async () => {
    const { deltaLink } = await drain('/users/delta?$select=id,surname,accountEnabled');
    const [disabled, enabled] = [0, 1].map((index) => sim.tenant().userId(index));
    sim.tenant().updateUser(disabled, { accountEnabled: false });
    const whole = await drain(deltaLink);
    expect(whole.items).toEqual([{ id: disabled, surname: expect.any(String), accountEnabled: false }]);

    sim.tenant().configure({ partialDeltaUpdates: true });
    sim.tenant().updateUser(enabled, { accountEnabled: false });
    sim.tenant().updateUser(enabled, { accountEnabled: true });
    expect((await drain(whole.deltaLink)).items).toEqual([{ id: enabled, accountEnabled: true }]);
  });

  it('refuses $top', async () => {
    expect((await graph(sim, token, '/users/delta?$top=5')).status).toBe(400);
  });
});
