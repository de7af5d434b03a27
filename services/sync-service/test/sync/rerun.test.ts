import { randomUUID } from 'node:crypto';
import { runUntilEnd, type SyncTestbed, startSyncTestbed } from './sync-testbed';

/** Re-running the users an earlier run failed or found duplicated. */
let bed: SyncTestbed;
beforeAll(async () => {
  bed = await startSyncTestbed({}, 20);
});
afterAll(() => bed.close());

const admin = () => bed.t.adminCookie;

async function finishedRunWith(items: Array<{ userId: string; outcome: string }>): Promise<string> {
  const [run] = await bed.t.app
    .db('sync_runs')
    .insert({
      status: 'partial',
      selection: JSON.stringify({ kind: 'allMatching', search: '' }),
      requested_by: JSON.stringify({ kind: 'administrator', id: null, name: 'admin' }),
      tenant_id: bed.tenantId,
      started_at: bed.t.app.db.fn.now(),
      finished_at: bed.t.app.db.fn.now(),
    })
    .returning('id');
  await bed.t.app.db('sync_run_items').insert(
    items.map((item) => ({
      run_id: run.id,
      user_id: item.userId,
      object_id: randomUUID(),
      username: `user-${item.userId}`,
      email: `${item.userId}@contoso.example`,
      outcome: item.outcome,
      applied: true,
    })),
  );
  return String(run.id);
}

describe('a re-run of a run', () => {
  it("synchronizes exactly the users of the run's failed and duplicated items, and says where they came from", async () => {
    const ids = await bed.importUsers(
      Array.from({ length: 5 }, (_, index) => ({ index, position: 500 + index })),
    );
    const source = await finishedRunWith([
      { userId: ids[0], outcome: 'failed' },
      { userId: ids[1], outcome: 'duplicated' },
      { userId: ids[2], outcome: 'modified' },
      { userId: ids[3], outcome: 'failed' },
      // A whole-directory run may hold two items for one user: it is selected once.
      { userId: ids[3], outcome: 'duplicated' },
    ]);
    const outcomes = ['failed', 'duplicated'];
    const started = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .send({ selection: { fromRun: { runId: source, outcomes } } })
      .expect(202);
    expect(started.body.selection).toMatchObject({
      kind: 'userIds',
      requested: 3,
      fromRun: { runId: source, outcomes },
    });
    const ended = await runUntilEnd(bed, started.body.id);
    expect(ended.selection).toMatchObject({ count: 3, fromRun: { runId: source, outcomes } });
    expect(ended.progress.total).toBe(3);
  });

  it('answers 404 for an unknown run and 400 when no user has those outcomes', async () => {
    const unknown = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .send({ selection: { fromRun: { runId: randomUUID(), outcomes: ['failed'] } } })
      .expect(404);
    expect(unknown.body.code).toBe('not_found');
    const ids = await bed.importUsers([{ index: 10, position: 900 }]);
    const clean = await finishedRunWith([{ userId: ids[0], outcome: 'modified' }]);
    const nobody = await bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .send({ selection: { fromRun: { runId: clean, outcomes: ['failed', 'duplicated'] } } })
      .expect(400);
    expect(nobody.body.code).toBe('no_users_selected');
  });

  it('needs sync:run', async () => {
    const reader = await bed.t.apiKey(['sync:read']);
    await bed.t.http
      .post('/api/sync')
      .set('authorization', `Bearer ${reader}`)
      .send({ selection: { fromRun: { runId: randomUUID(), outcomes: ['failed'] } } })
      .expect(403);
  });
});
