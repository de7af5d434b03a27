import { configureTenant, seedImportedUsers } from './support/fixtures';
import { startTestApp, type TestApp } from './support/harness';

let t: TestApp;
beforeAll(async () => {
  // No scheduler tick during these tests: what a scrape or a GET does alone is observed.
  t = await startTestApp({ SCHEDULER_TICK_SECONDS: '300' });
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
      selection: JSON.stringify({ kind: 'userIds', requested: 4 }),
      requested_by: JSON.stringify({ kind: 'administrator', id: null, name: 'test' }),
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

  it('never reports a dead run as running, and neither /metrics nor a GET marks it', async () => {
    const [dead] = await t.app
      .db('sync_runs')
      .insert({
        status: 'running',
        selection: JSON.stringify({ kind: 'allMatching', search: '' }),
        requested_by: JSON.stringify({ kind: 'administrator', id: null, name: 'admin' }),
        started_at: t.app.db.raw("now() - interval '2 minutes'"),
        heartbeat_at: t.app.db.raw("now() - interval '1 minute'"),
      })
      .returning(['id']);
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/adsync_sync_runs\{status="running"\} 0\n/);
    expect(metrics.text).toMatch(/adsync_sync_runs\{status="interrupted"\} 1\n/);
    for (const url of ['/api/sync', '/api/sync/runs?limit=10', `/api/sync/runs/${dead.id}`])
      await t.http.get(url).set('cookie', t.adminCookie).expect(200);
    // Reads write nothing: the scheduler tick (and the start of a run) marks it.
    expect(await t.app.db('sync_runs').where({ id: dead.id }).first('status', 'finished_at')).toEqual({
      status: 'running',
      finished_at: null,
    });
    await t.app.db('sync_runs').where({ id: dead.id }).delete();
  });

  it('exposes the schedule and the failed notification deliveries', async () => {
    const before = await t.http.get('/metrics').expect(200);
    expect(before.text).toMatch(/adsync_schedule_enabled 0\n/);
    expect(before.text).toMatch(/adsync_schedule_next_run_timestamp_seconds 0\n/);
    expect(before.text).not.toMatch(/adsync_schedule_last_run_status\{/);
    expect(before.text).toMatch(/adsync_notification_failures_total\{channel="webhook"\} 0\n/);
    expect(before.text).toMatch(/adsync_notification_failures_total\{channel="email"\} 0\n/);

    const nextRunAt = new Date('2031-02-03T04:05:06Z');
    const [run] = await t.app
      .db('sync_runs')
      .insert({
        status: 'partial',
        trigger: 'scheduled',
        selection: JSON.stringify({ kind: 'wholeDirectory', fullPass: false }),
        requested_by: JSON.stringify({ kind: 'schedule', id: null, name: 'schedule' }),
        failed: 2,
        finished_at: t.app.db.fn.now(),
      })
      .returning(['id']);
    await t.app
      .db('sync_schedule')
      .update({ enabled: true, interval_minutes: 60, next_run_at: nextRunAt, last_run_id: run.id });
    t.app.countNotificationFailure('webhook');
    const after = await t.http.get('/metrics').expect(200);
    expect(after.text).toMatch(/adsync_schedule_enabled 1\n/);
    expect(after.text).toMatch(/adsync_schedule_next_run_timestamp_seconds 1927857906\n/);
    expect(after.text).toMatch(/adsync_schedule_last_run_status\{status="partial"\} 1\n/);
    expect(after.text).toMatch(/adsync_schedule_last_run_status\{status="succeeded"\} 0\n/);
    expect(after.text).toMatch(/adsync_sync_runs\{status="partial"\} 1\n/);
    expect(after.text).toMatch(/adsync_notification_failures_total\{channel="webhook"\} 1\n/);
  });
});
