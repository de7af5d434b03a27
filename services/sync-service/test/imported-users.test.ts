import { configureTenant, seedImportedUsers } from './support/fixtures';
import { startTestApp, type TestApp } from './support/harness';

let t: TestApp;
const people = [
  ['adele.vance', 'Adele', 'Vance'],
  ['alex.wilber', 'Alex', 'Wilber'],
  ['diego.siciliani', 'Diego', 'Siciliani'],
  ['grady.archie', 'Grady', 'Archie'],
  ['henrietta.mueller', 'Henrietta', 'Mueller'],
  ['isaiah.langer', 'Isaiah', 'Langer'],
  ['johanna.lorenz', 'Johanna', 'Lorenz'],
];

beforeAll(async () => {
  t = await startTestApp();
  await seedImportedUsers(
    t.app.db,
    'tenant-now',
    people.map(([username, firstName, lastName]) => ({
      username: `${username}@contoso.com`,
      email: `${username}@contoso.com`,
      firstName,
      lastName,
    })),
  );
  await seedImportedUsers(t.app.db, 'tenant-before', [{ username: 'old.user@fabrikam.com' }]);
  await t.http
    .post('/api/users')
    .set('cookie', t.adminCookie)
    .send({ username: 'adele.local', email: 'adele@local.example' })
    .expect(201);
});
afterAll(() => t.close());

const list = (query: string) => t.http.get(`/api/imported-users${query}`).set('cookie', t.adminCookie);
const usernames = (body: { items: Array<{ username: string }> }) =>
  body.items.map((user) => user.username.split('@')[0]);

describe('GET /api/imported-users', () => {
  it('is empty while no tenant is configured', async () => {
    const response = await list('').expect(200);
    expect(response.body).toMatchObject({ items: [], total: 0, tenantId: null });
  });

  it('lists only the configured tenant, never local users or another tenant', async () => {
    await configureTenant(t.app.db, t.app.directoryAccess.secretBox, { tenantId: 'tenant-now' });
    const response = await list('').expect(200);
    expect(response.body.total).toBe(7);
    expect(response.body.totalIsExact).toBe(true);
    expect(response.body.tenantId).toBe('tenant-now');
    expect(usernames(response.body)).toEqual(people.map(([username]) => username));
  });

  it('searches case-insensitively across username, names and email', async () => {
    expect(usernames((await list('?search=MUELL').expect(200)).body)).toEqual(['henrietta.mueller']);
    expect(usernames((await list('?search=isaiah').expect(200)).body)).toEqual(['isaiah.langer']);
    const adele = (await list('?search=adele').expect(200)).body;
    expect(usernames(adele)).toEqual(['adele.vance']);
    expect(adele.total).toBe(1);
    expect((await list('?search=100%25').expect(200)).body.total).toBe(0);
  });

  it('sorts by any column both ways', async () => {
    const byLastName = (await list('?sort=lastName&order=desc').expect(200)).body;
    expect(byLastName.items.map((user: { lastName: string }) => user.lastName)).toEqual(
      people
        .map(([, , lastName]) => lastName)
        .sort()
        .reverse(),
    );
  });

  it('pages forwards and backwards by cursor', async () => {
    const first = (await list('?limit=3').expect(200)).body;
    expect(first.prevCursor).toBeNull();
    const second = (await list(`?limit=3&cursor=${first.nextCursor}`).expect(200)).body;
    const third = (await list(`?limit=3&cursor=${second.nextCursor}`).expect(200)).body;
    expect([...usernames(first), ...usernames(second), ...usernames(third)]).toEqual(people.map(([u]) => u));
    expect(third.nextCursor).toBeNull();
    const back = (await list(`?limit=3&cursor=${second.prevCursor}`).expect(200)).body;
    expect(usernames(back)).toEqual(usernames(first));
    expect(back.prevCursor).toBeNull();
  });

  it('refuses bad query values with 400 problems', async () => {
    const first = (await list('?limit=3').expect(200)).body;
    for (const query of [
      '?limit=501',
      '?limit=-1',
      '?limit=abc',
      '?sort=password',
      '?order=sideways',
      '?cursor=%%%',
      `?sort=email&cursor=${first.nextCursor}`,
      '?unknown=1',
      `?search=${'x'.repeat(201)}`,
    ]) {
      const response = await list(query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.body.code).toMatch(/validation_failed|invalid_cursor/);
    }
  });
});
