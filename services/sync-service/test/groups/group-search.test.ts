import type { Simulator } from '@adsync/tenant-sim';
import { connectionTo, startDirectorySimulator } from '../directory/directory-harness';
import { startTestApp, type TestApp } from '../support/harness';

// The group import search reads up to 1,000 Azure AD groups and says when more match, as the users' one does.
const MATCHING = 1001;
let sim: Simulator;
let t: TestApp;

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 10, groupCount: 3, groupSize: 2 });
  for (let index = 0; index < MATCHING; index++) {
    sim.tenant().createGroup({ displayName: `Region ${String(index).padStart(4, '0')}` });
  }
  t = await startTestApp();
  await admin(t.http.put('/api/settings/azure-ad')).send(connectionTo(sim)).expect(200);
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

const admin = <T extends { set: (name: string, value: string) => T }>(request: T) =>
  request.set('cookie', t.adminCookie);

const namesOf = (items: Array<{ displayName: string }>) => items.map((item) => item.displayName);

describe('searching Azure AD groups', () => {
  it('lists the first 1,000 of more than 1,000 matches and says more match', async () => {
    const found = await admin(t.http.get('/api/directory/groups?search=Region&limit=1000')).expect(200);
    const names = namesOf(found.body.items);
    expect(names).toHaveLength(1000);
    expect(new Set(names).size).toBe(1000);
    expect(names.every((name) => name.startsWith('Region '))).toBe(true);
    expect(found.body.moreMatches).toBe(true);
  });

  it('lists every match of a narrower search, with no more to find', async () => {
    const refined = await admin(t.http.get('/api/directory/groups?search=Region%20099&limit=1000')).expect(
      200,
    );
    expect(namesOf(refined.body.items).sort()).toEqual(
      Array.from({ length: 10 }, (_, index) => `Region 099${index}`),
    );
    expect(refined.body.moreMatches).toBe(false);

    const exactlyAll = await admin(t.http.get('/api/directory/groups?search=Region%20099&limit=10')).expect(
      200,
    );
    expect(exactlyAll.body.items).toHaveLength(10);
    expect(exactlyAll.body.moreMatches).toBe(false);

    const fewer = await admin(t.http.get('/api/directory/groups?search=Region%20099&limit=9')).expect(200);
    expect(fewer.body.items).toHaveLength(9);
    expect(fewer.body.moreMatches).toBe(true);
  });

  it('refuses a limit above 1,000', async () => {
    const tooMany = await admin(t.http.get('/api/directory/groups?limit=1001')).expect(400);
    expect(tooMany.body.code).toBe('validation_failed');
  });
});
