import { runUntilEnd, type SyncTestbed, startSyncTestbed } from './sync-testbed';

let bed: SyncTestbed;
beforeAll(async () => {
  bed = await startSyncTestbed();
});
afterAll(() => bed.close());
afterEach(() => bed.sim.setLatency(0));

const admin = () => bed.t.adminCookie;
function parseEvents(text: string) {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.slice('event: '.length), run: JSON.parse(dataLine.slice('data: '.length)) };
    });
}

const importRange = (fromIndex: number, count: number, fromPosition: number) =>
  bed.importUsers(
    Array.from({ length: count }, (_, offset) => ({
      index: fromIndex + offset,
      position: fromPosition + offset,
    })),
  );

describe('the deletion threshold', () => {
  it('blocks a run that would delete too many, deletes nobody, and deletes them once confirmed', async () => {
    const tenant = bed.sim.tenant();
    const ids = await importRange(0, 40, 1000);
    for (let index = 0; index < 12; index += 1) tenant.hardDeleteUser(tenant.userId(index));
    tenant.updateUser(tenant.userId(30), { surname: 'Still-Applied' });

    const blocked = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .set('prefer', 'wait=30')
      .send({ selection: { userIds: ids } })
      .expect(200);

    expect(blocked.body).toMatchObject({
      status: 'blocked',
      blocked: { wouldDelete: 12, selected: 40, thresholdPercent: 20, thresholdMinCount: 10 },
      counts: { deleted: 0, modified: 1, unchanged: 27 },
    });
    const remaining = await bed.t.app.db('users').whereIn('id', ids).count({ count: '*' }).first();
    expect(Number(remaining?.count)).toBe(40);
    const heldBack = await bed.t.http
      .get(`/api/sync/runs/${blocked.body.id}/items?outcome=deleted&limit=100`)
      .set('cookie', admin())
      .expect(200);
    expect(heldBack.body.items).toHaveLength(12);
    expect(heldBack.body.items.every((item: { applied: boolean }) => !item.applied)).toBe(true);

    const confirm = await bed.t.http
      .post(`/api/sync/runs/${blocked.body.id}/confirm`)
      .set('cookie', admin())
      .expect(202);
    expect(confirm.headers.location).toBe(`/api/sync/runs/${confirm.body.id}`);
    expect(confirm.body).toMatchObject({ confirmDeletions: true, confirmedRunId: blocked.body.id });
    const confirmed = await runUntilEnd(bed, confirm.body.id);
    expect(confirmed).toMatchObject({
      status: 'succeeded',
      blocked: null,
      counts: { deleted: 12, modified: 0 },
    });
    const left = await bed.t.app.db('users').whereIn('id', ids).count({ count: '*' }).first();
    expect(Number(left?.count)).toBe(28);

    const again = await bed.t.http
      .post(`/api/sync/runs/${blocked.body.id}/confirm`)
      .set('cookie', admin())
      .expect(409);
    expect(again.body.code).toBe('sync_run_already_confirmed');
    const notBlocked = await bed.t.http
      .post(`/api/sync/runs/${confirm.body.id}/confirm`)
      .set('cookie', admin())
      .expect(409);
    expect(notBlocked.body.code).toBe('sync_run_not_blocked');

    const audit = await bed.t.http.get('/api/audit-events?limit=20').set('cookie', admin()).expect(200);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['sync.started', 'sync.confirmed']),
    );
  });

  it('shows in a dry run that the real run would be blocked', async () => {
    const tenant = bed.sim.tenant();
    const ids = await importRange(50, 20, 2000);
    for (let index = 50; index < 62; index += 1) tenant.hardDeleteUser(tenant.userId(index));
    const { body } = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .set('prefer', 'wait=30')
      .send({ selection: { userIds: ids }, dryRun: true })
      .expect(200);
    expect(body).toMatchObject({
      status: 'succeeded',
      counts: { deleted: 12 },
      blocked: { wouldDelete: 12, selected: 20 },
    });
    const remaining = await bed.t.app.db('users').whereIn('id', ids).count({ count: '*' }).first();
    expect(Number(remaining?.count)).toBe(20);
  });
});

describe('one run at a time', () => {
  it('answers a second request with 409 and the running run id', async () => {
    const ids = await importRange(100, 30, 3000);
    bed.sim.setLatency(500);
    const [first, second] = await Promise.all(
      [0, 1].map(() =>
        bed.t.http
          .post('/api/sync')
          .set('cookie', admin())
          .send({ selection: { userIds: ids } }),
      ),
    );
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([202, 409]);
    const [accepted, refused] = first.status === 202 ? [first, second] : [second, first];
    expect(refused.body).toMatchObject({ code: 'sync_already_running', runningRunId: accepted.body.id });
    const status = await bed.t.http.get('/api/sync').set('cookie', admin()).expect(200);
    expect(status.body.running?.id).toBe(accepted.body.id);
    expect((await runUntilEnd(bed, accepted.body.id)).status).toBe('succeeded');
  });
});

describe('following a run', () => {
  it('streams progress as server-sent events and ends with the final run', async () => {
    bed.sim.setLatency(100);
    const started = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .send({ selection: { allMatching: { search: '' } } })
      .expect(202);
    const stream = await bed.t.http
      .get(`/api/sync/runs/${started.body.id}/events`)
      .set('cookie', admin())
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => callback(null, text));
      })
      .expect(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseEvents(stream.body as string);
    expect(events[0].event).toBe('progress');
    expect(events.at(-1)).toMatchObject({ event: 'end', run: { id: started.body.id, status: 'succeeded' } });
    expect(events.length).toBeGreaterThan(2);
    const processed = events.map((event) => event.run.progress.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(events.at(-1)?.run.progress.processed).toBe(events.at(-1)?.run.progress.total);
  });

  it('answers 202 when the run does not end within Prefer: wait', async () => {
    const ids = await importRange(200, 3, 5000);
    // Every Graph request takes longer than the caller waits, so the run cannot end in time.
    bed.sim.setLatency(1500);
    const response = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .set('prefer', 'wait=1')
      .send({ selection: { userIds: ids } })
      .expect(202);
    expect(response.headers['preference-applied']).toBe('wait=1');
    expect(response.body.status).toBe('running');
    await runUntilEnd(bed, response.body.id);
  });

  it('lists runs newest first, page by page, and 404s an unknown run', async () => {
    const first = await bed.t.http.get('/api/sync/runs?limit=2').set('cookie', admin()).expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await bed.t.http
      .get(`/api/sync/runs?limit=2&cursor=${first.body.nextCursor}`)
      .set('cookie', admin())
      .expect(200);
    const firstIds = first.body.items.map((run: { id: string }) => run.id);
    expect(second.body.items.map((run: { id: string }) => run.id)).not.toEqual(
      expect.arrayContaining(firstIds),
    );
    expect(Date.parse(second.body.items[0].createdAt)).toBeLessThanOrEqual(
      Date.parse(first.body.items[1].createdAt),
    );
    const missing = await bed.t.http
      .get('/api/sync/runs/6f1c7a52-2f7c-4b38-9d55-1a2b3c4d5e6f')
      .set('cookie', admin())
      .expect(404);
    expect(missing.body.code).toBe('not_found');
  });
});

describe('the sync policy', () => {
  it('has defaults, stores changes, refuses unknown properties, and trims history to retainRuns', async () => {
    const defaults = await bed.t.http.get('/api/settings/sync').set('cookie', admin()).expect(200);
    expect(defaults.body).toEqual({
      deletionThresholdPercent: 20,
      deletionThresholdMinCount: 10,
      keepUnchangedItems: false,
      retainRuns: 200,
      upstreamDeletion: 'delete',
      accountState: 'sync',
      groupMembers: 'transitive',
    });
    const invalid = await bed.t.http
      .put('/api/settings/sync')
      .set('cookie', admin())
      .send({ ...defaults.body, deleteEverything: true })
      .expect(400);
    expect(invalid.body.code).toBe('validation_failed');
    await bed.t.http
      .put('/api/settings/sync')
      .set('cookie', admin())
      .send({ ...defaults.body, retainRuns: 2 })
      .expect(200);

    await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .set('prefer', 'wait=30')
      .send({ selection: { allMatching: { search: 'no-user-matches-this' } } })
      .expect(200);
    const runs = await bed.t.http.get('/api/sync/runs?limit=50').set('cookie', admin()).expect(200);
    expect(runs.body.items).toHaveLength(2);
  });

  it('lets an API key with sync scopes run and read, and nothing else', async () => {
    const key = await bed.t.apiKey(['sync:read']);
    await bed.t.http.get('/api/sync').set('authorization', `Bearer ${key}`).expect(200);
    const refused = await bed.t.http
      .post('/api/sync')
      .set('authorization', `Bearer ${key}`)
      .send({ selection: { allMatching: {} } })
      .expect(403);
    expect(refused.body.code).toBe('forbidden');
  });
});
