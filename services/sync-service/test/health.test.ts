import { configureTenant, seedImportedUsers } from './support/fixtures';
import { startTestApp, type TestApp } from './support/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('health and metrics', () => {
  it('reports liveness, and readiness with the database and the directory configuration', async () => {
    await t.http.get('/healthz').expect(200, { status: 'ok' });
    const before = await t.http.get('/readyz').expect(200);
    expect(before.body).toEqual({
      status: 'ok',
      database: process.env.DATABASE_URL ? 'postgresql' : 'embedded',
      directory: 'not_configured',
    });
    await configureTenant(t.app.db, t.app.directoryAccess.secretBox, { tenantId: 'tenant-m' });
    expect((await t.http.get('/readyz').expect(200)).body.directory).toBe('configured');
  });

  it('exposes Prometheus metrics read from the database', async () => {
    await seedImportedUsers(t.app.db, 'tenant-m', [{ username: 'a@m' }, { username: 'b@m' }]);
    await t.app.db('sync_runs').insert({
      status: 'succeeded',
      selection: JSON.stringify({ kind: 'userIds' }),
      requested_by: JSON.stringify({ kind: 'system', id: null, name: 'test' }),
      modified: 3,
      deleted: 1,
      started_at: t.app.db.raw("now() - interval '2 seconds'"),
      finished_at: t.app.db.fn.now(),
    });
    const response = await t.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    expect(response.text).toMatch(/adsync_sync_runs\{status="succeeded"\} 1/);
    expect(response.text).toMatch(/adsync_sync_outcomes\{outcome="modified"\} 3/);
    expect(response.text).toMatch(/adsync_imported_users\{tenant_id="tenant-m"\} 2/);
    expect(response.text).toMatch(/adsync_sync_last_run_duration_seconds 2\n/);
    expect(response.text).toMatch(
      /adsync_http_request_duration_seconds_count\{method="GET",route="\/readyz",status="200"\} 2/,
    );
    expect(response.text).toMatch(/adsync_database_pool_connections\{state="used"\}/);
  });
});
