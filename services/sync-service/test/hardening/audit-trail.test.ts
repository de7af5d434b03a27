import type { Simulator } from '@adsync/tenant-sim';
import { SECRET, startDirectorySimulator, TENANT } from '../directory/directory-harness';
import { startTestApp, type TestApp } from '../support/harness';

/** Administrator actions done through the API must be readable back through GET /api/audit-events. */
let sim: Simulator;
let t: TestApp;

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 5 });
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

const admin = <T extends { set: (name: string, value: string) => T }>(request: T) =>
  request.set('cookie', t.adminCookie);

interface AuditEvent {
  action: string;
  actor: { kind: string; name: string };
  target: string | null;
  details: Record<string, unknown>;
}

async function auditTrail(): Promise<AuditEvent[]> {
  const page = await admin(t.http.get('/api/audit-events?limit=500')).expect(200);
  return page.body.items;
}

describe('the audit trail', () => {
  it('records settings changes, imports, sync starts and API keys, with who did them', async () => {
    await admin(t.http.put('/api/settings/azure-ad'))
      .send({
        tenantId: TENANT.tenantId,
        clientId: TENANT.clientId,
        clientSecret: SECRET,
        authorityHost: sim.authorityHost,
        graphBaseUrl: sim.graphBaseUrl,
      })
      .expect(200);
    const policy = (await admin(t.http.get('/api/settings/sync')).expect(200)).body;
    await admin(t.http.put('/api/settings/sync'))
      .send({ ...policy, retainRuns: 50 })
      .expect(200);
    const objectIds = [0, 1, 2].map((index) => sim.tenant().user(index)!.user.id);
    await admin(t.http.post('/api/imported-users')).send({ objectIds }).expect(200);

    const syncKey = await t.apiKey(['sync:run', 'sync:read']);
    const started = await t.http
      .post('/api/sync')
      .set('authorization', `Bearer ${syncKey}`)
      .set('prefer', 'wait=30')
      .send({ selection: { allMatching: {} } });
    expect(started.status).toBe(200);

    const keys = (await admin(t.http.get('/api/api-keys')).expect(200)).body.items as Array<{ id: string }>;
    await admin(t.http.delete(`/api/api-keys/${keys[0].id}`)).expect(204);

    const trail = await auditTrail();
    const byAction = (action: string) => trail.filter((event) => event.action === action);
    expect(byAction('settings.azure_ad.updated')[0]).toMatchObject({
      actor: { kind: 'administrator', name: 'admin' },
      details: {
        tenantId: TENANT.tenantId,
        secretReplaced: true,
        authorityHost: sim.authorityHost,
        graphBaseUrl: sim.graphBaseUrl,
      },
    });
    expect(byAction('settings.azure_ad.updated')[0].details.changed).toEqual(
      expect.arrayContaining(['tenantId', 'clientId', 'authorityHost', 'graphBaseUrl', 'clientSecret']),
    );
    expect(byAction('settings.sync_policy.updated')[0].details).toMatchObject({ after: { retainRuns: 50 } });
    expect(byAction('users.imported')[0].details).toMatchObject({ requested: 3, imported: 3 });
    expect(byAction('sync.started')[0]).toMatchObject({ actor: { kind: 'apiKey' }, target: started.body.id });
    expect(byAction('api_key.created')).toHaveLength(1);
    expect(byAction('api_key.revoked')[0].target).toBe(keys[0].id);
    expect(JSON.stringify(trail)).not.toContain(SECRET);
  });

  it('records which connection settings changed and where the connection points, never the secret', async () => {
    const otherClientId = '0a1b2c3d-0000-4000-8000-000000000001';
    await admin(t.http.put('/api/settings/azure-ad'))
      .send({ tenantId: TENANT.tenantId, clientId: otherClientId })
      .expect(200);
    const [latest] = (await auditTrail()).filter((event) => event.action === 'settings.azure_ad.updated');
    expect(latest.details).toMatchObject({
      clientId: otherClientId,
      authorityHost: sim.authorityHost,
      graphBaseUrl: sim.graphBaseUrl,
      changed: ['clientId'],
      secretReplaced: false,
    });
    expect(JSON.stringify(latest)).not.toContain(SECRET);
  });

  it('records nothing for a refused request', async () => {
    const before = (await auditTrail()).length;
    await admin(t.http.put('/api/settings/sync')).send({ retainRuns: 0 }).expect(400);
    await admin(t.http.put('/api/settings/azure-ad'))
      .send({
        tenantId: TENANT.tenantId,
        clientId: TENANT.clientId,
        authorityHost: 'https://login.microsoftonline.us',
      })
      .expect(400);
    await t.http
      .post('/api/api-keys')
      .send({ name: 'x', scopes: ['users:read'] })
      .expect(401);
    expect(await auditTrail()).toHaveLength(before);
  });
});
