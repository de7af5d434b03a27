import { Writable } from 'node:stream';
import { countPending, stagePending } from '../../src/features/sync/users/pending-repository';
import { eventually } from '../support/eventually';
import { type SyncTestbed, startSyncTestbed } from './sync-testbed';

let bed: SyncTestbed;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  bed = await startSyncTestbed({ SCHEDULER_TICK_SECONDS: '0.2' }, 50, { logger: { level: 'info', stream } });
});
afterAll(() => bed.close());

describe('the service log', () => {
  it('lets an operator follow one run: every line about it carries its id, from start to end', async () => {
    const userIds = await bed.importUsers([0, 1, 2].map((index) => ({ index, position: index })));
    bed.sim.tenant().updateUser(bed.sim.tenant().userId(1), { surname: 'Renamed' });
    const started = await bed.t.http
      .post('/api/sync')
      .set('cookie', bed.t.adminCookie)
      .set('prefer', 'wait=30')
      .send({ selection: { userIds } })
      .expect(200);
    const runLines = logLines.filter((line) => line.runId === started.body.id);
    expect(runLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['sync run started', 'sync run ended']),
    );
    expect(runLines.find((line) => line.msg === 'sync run ended')).toMatchObject({
      status: 'succeeded',
      modified: 1,
      unchanged: 2,
      durationMs: expect.any(Number),
    });
  });

  it('has a tick mark a run whose process died (kill -9) interrupted, ended at its last heartbeat, logged once', async () => {
    // What a killed process leaves behind: a running run whose heartbeat went silent a minute ago, with
    // deferred work staged (two deletions), which only matters while the run runs. Written in one transaction,
    // so no tick finds the run before its staging.
    const stagedUsers = await bed.importUsers([5, 6].map((index) => ({ index, position: index })));
    const lastHeartbeat = new Date(Date.now() - 60_000);
    const dead = await bed.t.app.db.transaction(async (trx) => {
      const [run] = await trx('sync_runs')
        .insert({
          status: 'running',
          selection: JSON.stringify({ kind: 'allMatching', search: '' }),
          requested_by: JSON.stringify({ kind: 'administrator', id: null, name: 'admin' }),
          tenant_id: bed.tenantId,
          started_at: new Date(lastHeartbeat.getTime() - 30_000),
          heartbeat_at: lastHeartbeat,
        })
        .returning(['id']);
      await stagePending(
        trx,
        run.id,
        'deletion',
        stagedUsers.map((userId) => ({ userId, target: null })),
      );
      return run;
    });
    // No request is made to the service: only its scheduler tick (no schedule enabled) can notice.
    const marked = await eventually(async () => {
      const row = await bed.t.app.db('sync_runs').where({ id: dead.id }).first();
      return row.status === 'interrupted' ? row : undefined;
    });
    expect(marked.finished_at).toEqual(lastHeartbeat);
    expect(marked.error).toMatch(/stopped \(no heartbeat for 2 s\)/);
    expect(await countPending(bed.t.app.db, dead.id, 'deletion')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // later ticks find nothing more to mark
    const lines = logLines.filter(
      (line) => line.msg === 'marked a sync run interrupted: its process stopped beating',
    );
    expect(lines).toEqual([expect.objectContaining({ runId: dead.id, level: 40 })]);

    const metrics = await bed.t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/adsync_sync_runs\{status="running"\} 0\n/);
    expect(metrics.text).toMatch(/adsync_sync_runs\{status="interrupted"\} 1\n/);
  });
});
