import { Writable } from 'node:stream';
import { eventually } from '../support/eventually';
import { importedGroups } from '../support/imported-groups';
import { type SyncTestbed, startSyncTestbed } from '../sync/sync-testbed';
import { startMailSink, startWebhookSink } from './notification-sinks';

/**
 * The scheduler of one process against the simulator. A due occurrence is made by moving `next_run_at` to
 * now in the database, so the tests need not wait for a real interval.
 */
describe('scheduled syncs', () => {
  let bed: SyncTestbed;
  let mail: Awaited<ReturnType<typeof startMailSink>>;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    mail = await startMailSink();
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    bed = await startSyncTestbed(
      {
        SCHEDULER_TICK_SECONDS: '0.1',
        SMTP_URL: mail.url,
        SMTP_FROM: 'adsync@contoso.example',
        // Published under a path: links must keep it.
        PUBLIC_URL: 'https://adsync.contoso.example/adsync',
        NOTIFY_TIMEOUT_SECONDS: '2',
      },
      40,
      { logger: { level: 'info', stream } },
    );
    await bed.importUsers(Array.from({ length: 20 }, (_, index) => ({ index, position: index + 1 })));
  });
  afterAll(async () => {
    await bed.close();
    await mail.close();
  });

  const admin = () => bed.t.adminCookie;
  /** An hourly schedule with these recipients. */
  const notifyOnSchedule = (recipients: { webhookUrl?: string; notifyEmails: string[] }) =>
    bed.t.http
      .put('/api/sync/schedule')
      .set('cookie', admin())
      .send({ enabled: true, intervalMinutes: 60, ...recipients })
      .expect(200);
  const makeDue = () => bed.t.app.db('sync_schedule').update({ next_run_at: bed.t.app.db.fn.now() });
  const scheduledRuns = async () => {
    const page = await bed.t.http.get('/api/sync/runs?limit=100').set('cookie', admin()).expect(200);
    return (page.body.items as Array<{ id: string; trigger: string; status: string }>).filter(
      (run) => run.trigger === 'scheduled',
    );
  };
  const waitUntilIdle = () =>
    eventually(async () => {
      const status = await bed.t.http.get('/api/sync').set('cookie', admin()).expect(200);
      return status.body.running === null ? true : undefined;
    });

  it('runs a due schedule once, as the schedule, and tells the webhook and the recipients when it ends', async () => {
    const webhook = await startWebhookSink();
    try {
      await notifyOnSchedule({
        webhookUrl: webhook.url,
        notifyEmails: ['ops@contoso.example', 'it@contoso.example'],
      });
      await makeDue();

      const delivered = await eventually(() => webhook.requests[0]);
      expect(delivered.contentType).toBe('application/json');
      const run = delivered.body as {
        id: string;
        status: string;
        trigger: string;
        requestedBy: unknown;
        counts: Record<string, number>;
        groupCounts: unknown;
      };
      expect(run.trigger).toBe('scheduled');
      // The tenant has no imported groups: the run covered none, and reports none.
      expect(run.groupCounts).toBeNull();
      expect(run.requestedBy).toEqual({ kind: 'schedule', id: null, name: 'schedule' });
      expect(['queued', 'running']).not.toContain(run.status);
      const stored = await bed.t.http.get(`/api/sync/runs/${run.id}`).set('cookie', admin()).expect(200);
      // The webhook is outside the service: the run's url is absolute, under PUBLIC_URL with its path.
      expect(run).toEqual({
        ...stored.body,
        url: `https://adsync.contoso.example/adsync/api/sync/runs/${run.id}`,
      });

      const message = await eventually(() => mail.mails[0]);
      expect(message.from).toBe('adsync@contoso.example');
      expect(message.to.sort()).toEqual(['it@contoso.example', 'ops@contoso.example']);
      expect(message.raw).toContain(`Subject: Scheduled Azure AD sync ${run.status}`);
      for (const outcome of ['modified', 'deleted', 'duplicated', 'unchanged', 'failed']) {
        const label = `${outcome[0].toUpperCase()}${outcome.slice(1)}:`;
        expect(message.raw).toMatch(new RegExp(`${label} +${run.counts[outcome]}\\b`));
      }
      expect(message.raw).not.toMatch(/group|member/i);
      expect(message.raw).toContain(`Open the run: https://adsync.contoso.example/adsync/history/${run.id}`);
      expect(message.raw).toContain(
        `The run in the API: https://adsync.contoso.example/adsync/api/sync/runs/${run.id}`,
      );

      const schedule = await bed.t.http.get('/api/sync/schedule').set('cookie', admin()).expect(200);
      expect(schedule.body).toMatchObject({ lastRunId: run.id, lastRunStatus: run.status });
      expect(Date.parse(schedule.body.nextRunAt)).toBeGreaterThan(Date.now() + 59 * 60_000);
      const metrics = (await bed.t.http.get('/metrics').expect(200)).text;
      expect(metrics).toContain(
        `adsync_schedule_next_run_timestamp_seconds ${Date.parse(schedule.body.nextRunAt) / 1000}\n`,
      );
      expect(metrics).toContain(`adsync_schedule_last_run_status{status="${run.status}"} 1\n`);
      expect(metrics).toContain('adsync_notification_failures_total{channel="webhook"} 0\n');
      expect(metrics).toContain('adsync_notification_failures_total{channel="email"} 0\n');
      // Nothing more happens until the next occurrence.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await scheduledRuns()).toHaveLength(1);
      expect(webhook.requests).toHaveLength(1);
      expect(mail.mails).toHaveLength(1);
    } finally {
      await webhook.close();
    }
  });

  it('tries a failing webhook once more, and keeps scheduling when the webhook is gone', async () => {
    const webhook = await startWebhookSink(1);
    const runsBefore = (await scheduledRuns()).length;
    await bed.t.http
      .put('/api/sync/schedule')
      .set('cookie', admin())
      .send({ enabled: true, intervalMinutes: 60, webhookUrl: webhook.url, notifyEmails: [] })
      .expect(200);
    await makeDue();
    await eventually(() => (webhook.requests.length >= 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(webhook.requests).toHaveLength(2);
    expect(webhook.requests[1].body.id).toBe(webhook.requests[0].body.id);
    const failuresCounted = async () => {
      const metrics = (await bed.t.http.get('/metrics').expect(200)).text;
      return Number(/adsync_notification_failures_total\{channel="webhook"\} (\d+)/.exec(metrics)?.[1]);
    };
    // Delivered at the second attempt: not a failure.
    expect(await failuresCounted()).toBe(0);
    await webhook.close();

    await waitUntilIdle();
    await makeDue();
    await eventually(async () => ((await scheduledRuns()).length === runsBefore + 2 ? true : undefined));
    await waitUntilIdle();
    // The webhook is gone: both attempts fail, and the delivery is counted once.
    await eventually(async () => ((await failuresCounted()) === 1 ? true : undefined));
  });

  it('waits for a run in progress instead of skipping the occurrence', async () => {
    await bed.t.http
      .put('/api/sync/schedule')
      .set('cookie', admin())
      .send({ enabled: true, intervalMinutes: 60, notifyEmails: [] })
      .expect(200);
    const runsBefore = (await scheduledRuns()).length;
    bed.sim.setLatency(800);
    const manual = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .send({ selection: { allMatching: { search: '' } } })
      .expect(202);
    await makeDue();
    // Several ticks meet the manual run: the occurrence stays due, and no scheduled run starts meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const during = await bed.t.http
      .get(`/api/sync/runs/${manual.body.id}`)
      .set('cookie', admin())
      .expect(200);
    expect(during.body.status).toBe('running');
    expect(await scheduledRuns()).toHaveLength(runsBefore);
    // A tick may be between its claim and giving the occurrence back: the occurrence must come back due.
    await eventually(async () => {
      const schedule = await bed.t.app.db('sync_schedule').first('next_run_at');
      return schedule.next_run_at.getTime() <= Date.now() ? true : undefined;
    });

    bed.sim.setLatency(0);
    const started = await eventually(async () => {
      const runs = await scheduledRuns();
      return runs.length > runsBefore ? runs[0] : undefined;
    });
    const finishedManual = await bed.t.http.get(`/api/sync/runs/${manual.body.id}`).set('cookie', admin());
    expect(finishedManual.body.status).toBe('succeeded');
    expect(Date.parse(finishedManual.body.finishedAt)).toBeLessThanOrEqual(
      Date.parse(
        (await bed.t.http.get(`/api/sync/runs/${started.id}`).set('cookie', admin())).body.createdAt,
      ),
    );
    await waitUntilIdle();
    expect(await scheduledRuns()).toHaveLength(runsBefore + 1);
    // Every tick met the manual run; the wait of this one occurrence was logged once.
    const waits = logLines.filter((line) =>
      String(line.msg).startsWith('scheduled sync waits for the run in progress'),
    );
    expect(waits).toEqual([expect.objectContaining({ runningRunId: manual.body.id })]);
  });
  it('reports the groups a scheduled run covered, in the webhook and the email', async () => {
    const tenant = bed.sim.tenant();
    const { storeGroup } = importedGroups(
      () => bed.t.app.db,
      () => bed.sim,
    );
    const member = (index: number) => tenant.userId(index);
    const finance = tenant.createGroup({ displayName: 'Finance' });
    // In Azure AD: #0, #1, #2 (imported here) and #30 (new to the server); here: #0, #1 and #3.
    for (const index of [0, 1, 2, 30]) tenant.addGroupMember(finance.id, { id: member(index) });
    await storeGroup(finance.id, 'Finance', [member(0), member(1), member(3)]);
    const sales = tenant.createGroup({ displayName: 'Sales' });
    tenant.addGroupMember(sales.id, { id: member(4) });
    await storeGroup(sales.id, 'Sales', [member(4)]);
    const webhook = await startWebhookSink();
    try {
      await waitUntilIdle();
      const mailsBefore = mail.mails.length;
      await notifyOnSchedule({ webhookUrl: webhook.url, notifyEmails: ['ops@contoso.example'] });
      await makeDue();

      const delivered = await eventually(() => webhook.requests[0]);
      const run = delivered.body as { id: string; status: string; groupCounts: unknown };
      expect(run.status).toBe('succeeded');
      expect(run.groupCounts).toEqual({
        membersAdded: 2,
        membersRemoved: 1,
        usersCreated: 1,
        membersIgnored: 0,
        groups: { modified: 1, deleted: 0, duplicated: 0, unchanged: 1, failed: 0 },
      });
      const stored = await bed.t.http.get(`/api/sync/runs/${run.id}`).set('cookie', admin()).expect(200);
      expect(stored.body.groupCounts).toEqual(run.groupCounts);

      const message = await eventually(() => mail.mails[mailsBefore]);
      // The subject is long: its header is folded.
      const text = message.raw.replace(/\r\n(?=[ \t])/g, '');
      expect(text).toMatch(/groups 1 modified, 0 deleted, 0 duplicated, 0 failed/);
      const groupFigures = text.slice(text.indexOf('Groups'));
      for (const [label, count] of [
        ['Modified', 1],
        ['Deleted', 0],
        ['Duplicated', 0],
        ['Unchanged', 1],
        ['Failed', 0],
        ['Members added', 2],
        ['Members removed', 1],
        ['Users created', 1],
      ] as const)
        expect(groupFigures).toMatch(new RegExp(`${label}: +${count}\\b`));
    } finally {
      await webhook.close();
    }
  });
});
