import { startTestApp, type TestApp } from '../support/harness';

describe('GET/PUT /api/sync/schedule', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const put = (body: Record<string, unknown>) =>
    t.http.put('/api/sync/schedule').set('cookie', t.adminCookie).send(body);

  it('starts disabled, with nothing run', async () => {
    const response = await t.http.get('/api/sync/schedule').set('cookie', t.adminCookie).expect(200);
    expect(response.body).toEqual({
      enabled: false,
      intervalMinutes: null,
      cron: null,
      timezone: null,
      webhookUrl: null,
      notifyEmails: [],
      nextRunAt: null,
      lastRunId: null,
      lastRunAt: null,
      lastRunStatus: null,
    });
  });

  it('stores an interval, computes the next run, and records who changed it without the webhook token', async () => {
    const before = Date.now();
    const response = await put({
      enabled: true,
      intervalMinutes: 30,
      webhookUrl: 'https://hooks.example.com/sync?token=very-secret',
      notifyEmails: ['ops@contoso.example', 'ops@contoso.example', 'it@contoso.example'],
    }).expect(200);
    expect(response.body).toMatchObject({
      enabled: true,
      intervalMinutes: 30,
      cron: null,
      webhookUrl: 'https://hooks.example.com/sync?token=very-secret',
      notifyEmails: ['ops@contoso.example', 'it@contoso.example'],
    });
    const next = Date.parse(response.body.nextRunAt);
    expect(next).toBeGreaterThanOrEqual(before + 30 * 60_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 30 * 60_000);

    const audit = await t.http.get('/api/audit-events?limit=1').set('cookie', t.adminCookie).expect(200);
    const [event] = audit.body.items;
    expect(event.action).toBe('settings.schedule.updated');
    expect(event.actor.kind).toBe('administrator');
    expect(event.details.after.webhookUrl).toBe('https://hooks.example.com');
    expect(JSON.stringify(event)).not.toContain('very-secret');
  });

  it('stores a cron expression with its time zone', async () => {
    const response = await put({ enabled: true, cron: '0 2 * * *', timezone: 'Europe/Paris' }).expect(200);
    expect(response.body).toMatchObject({
      intervalMinutes: null,
      cron: '0 2 * * *',
      timezone: 'Europe/Paris',
    });
    const next = new Date(response.body.nextRunAt);
    const parisHour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: 'numeric' }).format(next),
    );
    expect(parisHour).toBe(2);
  });

  it('has no next run while disabled, and keeps the cadence for later', async () => {
    const response = await put({ enabled: false, intervalMinutes: 15 }).expect(200);
    expect(response.body).toMatchObject({ enabled: false, intervalMinutes: 15, nextRunAt: null });
  });

  it.each([
    [{ enabled: true, intervalMinutes: 5, cron: '* * * * *' }, 'invalid_schedule'],
    [{ enabled: true }, 'invalid_schedule'],
    [{ enabled: true, cron: 'every day' }, 'invalid_cron'],
    [{ enabled: true, cron: '0 0 30 2 *' }, 'invalid_cron'],
    [{ enabled: true, cron: '0 2 * * *', timezone: 'Mars/Olympus' }, 'invalid_timezone'],
    [{ enabled: true, intervalMinutes: 0 }, 'validation_failed'],
    [{ enabled: true, intervalMinutes: 5, webhookUrl: 'ftp://example.com/x' }, 'validation_failed'],
    [{ enabled: true, intervalMinutes: 5, notifyEmails: ['not-an-address'] }, 'validation_failed'],
    [{ enabled: true, intervalMinutes: 5, nextRunAt: '2030-01-01T00:00:00Z' }, 'validation_failed'],
  ])('refuses %j with %s', async (body, code) => {
    const response = await put(body).expect(400);
    expect(response.body.code).toBe(code);
  });

  it('is read with sync:read and changed with settings:write', async () => {
    const reader = await t.apiKey(['sync:read']);
    await t.http.get('/api/sync/schedule').set('authorization', `Bearer ${reader}`).expect(200);
    await t.http
      .put('/api/sync/schedule')
      .set('authorization', `Bearer ${reader}`)
      .send({ enabled: false })
      .expect(403);
    const writer = await t.apiKey(['settings:write']);
    await t.http
      .put('/api/sync/schedule')
      .set('authorization', `Bearer ${writer}`)
      .send({ enabled: false })
      .expect(200);
  });
});
