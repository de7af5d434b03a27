import vm from 'node:vm';
import knex, { type Knex } from 'knex';
import {
  DatabaseLostError,
  isConnectionLost,
  outlastConnectionLoss,
} from '../../src/infra/db/connection-loss';
import { type SyncTestbed, startSyncTestbed, syncAndWait } from '../sync/sync-testbed';

/**
 * A database connection that drops under a request or a run. The server cases kill the backend of a
 * statement while it waits on a lock another session holds, so the statement is in flight when it dies: a
 * read is answered from a new connection, a write answers 503 with Retry-After and changes nothing, a run
 * commits the chunk again on a new connection and ends with exact counts, or says the database was lost.
 */

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('what counts as a lost database connection', () => {
  it.each([
    ['pg_terminate_backend', pgError('57P01', 'terminating connection due to administrator command')],
    ['a crashed server', pgError('57P02')],
    ['a server still starting', pgError('57P03', 'the database system is starting up')],
    ['a connection exception', pgError('08006', 'connection failure')],
    ['a reset socket', pgError('ECONNRESET', 'read ECONNRESET')],
    [
      'a reset socket, its error made in another realm',
      vm.runInNewContext("Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })"),
    ],
    ['a refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a socket closed under a query', new Error('Connection terminated unexpectedly')],
    [
      'no connection from the pool in time',
      Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' }),
    ],
  ])('%s', (_name, error) => {
    expect(isConnectionLost(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', pgError('42601', 'syntax error at or near "selec"')],
    ['a value the column refuses', pgError('22P05', 'unsupported Unicode escape sequence')],
    ['a plain error', new Error('something else')],
    ['not an error', 'Connection terminated'],
  ])('not %s', (_name, error) => {
    expect(isConnectionLost(error)).toBe(false);
  });
});

describe('outlasting a lost connection', () => {
  const lost = () => pgError('57P01', 'terminating connection due to administrator command');

  it('runs the step again until it succeeds', async () => {
    let calls = 0;
    const result = await outlastConnectionLoss(async () => {
      calls += 1;
      if (calls < 3) throw lost();
      return 'done';
    });
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const refused = pgError('23505');
    await expect(
      outlastConnectionLoss(async () => {
        calls += 1;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('gives up after its budget with DatabaseLostError, keeping the cause', async () => {
    let calls = 0;
    const error = await outlastConnectionLoss(
      async () => {
        calls += 1;
        throw lost();
      },
      { budgetMs: 500 },
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DatabaseLostError);
    expect((error as DatabaseLostError).message).toMatch(/did not come back within 1 s/);
    expect(isConnectionLost((error as DatabaseLostError).cause)).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it('does not repeat a step that landed before its connection dropped', async () => {
    let commits = 0;
    let stored = 0;
    const result = await outlastConnectionLoss(
      async () => {
        commits += 1;
        stored += 1;
        if (commits === 1) throw lost(); // committed, but the answer never came back
        return stored;
      },
      { landed: async () => (stored > 0 ? stored : undefined) },
    );
    expect({ result, commits, stored }).toEqual({ result: 1, commits: 1, stored: 1 });
  });

  it('repeats a step that did not land', async () => {
    let commits = 0;
    let stored = 0;
    const result = await outlastConnectionLoss(
      async () => {
        commits += 1;
        if (commits === 1) throw lost(); // rolled back
        stored += 1;
        return stored;
      },
      { landed: async () => (stored > 0 ? stored : undefined) },
    );
    expect({ result, commits, stored }).toEqual({ result: 1, commits: 2, stored: 1 });
  });

  it('stops waiting once the caller stops', async () => {
    const stop = new AbortController();
    stop.abort();
    const error = lost();
    await expect(
      outlastConnectionLoss(
        async () => {
          throw error;
        },
        { signal: stop.signal },
      ),
    ).rejects.toBe(error);
  });
});

const onServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL)
  console.info(
    'database-loss.test.ts: the connection-killing cases need DATABASE_URL (a PostgreSQL server); the embedded database runs in-process and has no connection to lose',
  );

/**
 * A session of its own that holds a lock on `table` (so a statement of the app that needs it waits), kills
 * the backends of the app's statements waiting on it, and releases it.
 */
class LockAndKill {
  private constructor(
    private readonly db: Knex,
    private readonly trx: Knex.Transaction,
  ) {}

  static async hold(app: Knex, table: string, mode: 'access exclusive' | 'exclusive'): Promise<LockAndKill> {
    const connection = (app.client as { config: { connection: unknown } }).config.connection;
    const db = knex({ client: 'pg', connection: connection as never, pool: { min: 0, max: 2 } });
    const trx = await db.transaction();
    await trx.raw(`lock table ${table} in ${mode} mode`);
    return new LockAndKill(db, trx);
  }

  /** Kills the app's backends waiting on the lock once `count` of them wait; answers how many it killed. */
  async killWaiting(count = 1, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.db.raw(
        `select pg_terminate_backend(pid) as killed from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      );
      if (rows.length >= count) return rows.length;
      if (Date.now() > deadline)
        throw new Error(`no statement of the app waited on the lock in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private released = false;

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.trx.rollback().catch(() => undefined);
    await this.db.destroy();
  }
}

onServer('a lost database connection (PostgreSQL server)', () => {
  let bed: SyncTestbed;
  beforeAll(async () => {
    bed = await startSyncTestbed(
      { SYNC_DATABASE_WAIT_SECONDS: '2', LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' },
      700,
    );
  });
  afterAll(() => bed?.close());
  const admin = () => bed.t.adminCookie;
  /** Imports seeded users #first… under ordered ids from `position`, then renames every `step`-th upstream. */
  async function importAndRename(
    first: number,
    count: number,
    position: number,
    step: number,
    surname: string,
  ) {
    const ids = await bed.importUsers(
      Array.from({ length: count }, (_, offset) => ({ index: first + offset, position: position + offset })),
    );
    const tenant = bed.sim.tenant();
    for (let index = first; index < first + count; index += step)
      tenant.updateUser(tenant.userId(index), { surname });
    return ids;
  }
  const startSync = (userIds: string[]) =>
    bed.t.http
      .post('/api/sync')
      .set('cookie', admin())
      .set('prefer', 'wait=60')
      .send({ selection: { userIds } });

  it('answers a read from a new connection when its connection dies under it', async () => {
    await bed.t.http
      .post('/api/users')
      .set('cookie', admin())
      .send({ username: 'reader', email: 'reader@example.com' })
      .expect(201);
    const lock = await LockAndKill.hold(bed.t.app.db, 'users', 'access exclusive');
    try {
      const answer = bed.t.http
        .get('/api/users')
        .set('cookie', admin())
        .then((response) => response);
      expect(await lock.killWaiting()).toBe(1);
      await lock.release();
      const response = await answer;
      expect(response.status).toBe(200);
      expect(response.body.items.map((user: { username: string }) => user.username)).toContain('reader');
    } finally {
      await lock.release();
    }
  });

  it('answers a write whose connection dies 503 with Retry-After, and changes nothing', async () => {
    const user = { username: 'lost-write', email: 'lost-write@example.com' };
    const lock = await LockAndKill.hold(bed.t.app.db, 'users', 'exclusive');
    let response: Awaited<ReturnType<typeof bed.t.http.post>>;
    try {
      const answer = bed.t.http
        .post('/api/users')
        .set('cookie', admin())
        .send(user)
        .then((r) => r);
      expect(await lock.killWaiting()).toBe(1);
      response = await answer;
    } finally {
      await lock.release();
    }
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'database_unavailable', status: 503 });
    expect(await bed.t.app.db('users').where({ username: 'lost-write' }).first()).toBeUndefined();
    // Retried as Retry-After says, the same request succeeds.
    await bed.t.http.post('/api/users').set('cookie', admin()).send(user).expect(201);
  });

  it('commits a chunk again on a new connection when the connection dies in its transaction', async () => {
    const ids = await bed.importUsers(
      Array.from({ length: 30 }, (_, index) => ({ index, position: 100 + index })),
    );
    const tenant = bed.sim.tenant();
    for (const index of [2, 9, 16, 23])
      tenant.updateUser(tenant.userId(index), { surname: `Changed ${index}` });
    tenant.hardDeleteUser(tenant.userId(27));
    // Chunks of 7 write their items; the lock holds the first chunk's item insert inside its transaction.
    const lock = await LockAndKill.hold(bed.t.app.db, 'sync_run_items', 'exclusive');
    let run: Awaited<ReturnType<typeof syncAndWait>>;
    try {
      const running = syncAndWait(bed, ids);
      expect(await lock.killWaiting()).toBe(1);
      await lock.release();
      run = await running;
    } finally {
      await lock.release();
    }
    expect(run).toMatchObject({
      status: 'succeeded',
      error: null,
      counts: { modified: 4, deleted: 1, failed: 0, duplicated: 0, unchanged: 25 },
      progress: { processed: 30 },
    });
    const items = await bed.t.app.db('sync_run_items').where({ run_id: run.id }).select('user_id', 'outcome');
    expect(items.filter((item) => item.outcome === 'modified')).toHaveLength(4);
    expect(new Set(items.map((item) => item.user_id)).size).toBe(items.length);
    const stored = await bed.t.app.db('users').whereIn('id', ids).select('id');
    expect(stored).toHaveLength(29);
  });

  it('ends a run failed, saying the database was lost, when it stays lost longer than the run waits', async () => {
    const ids = await importAndRename(40, 20, 200, 1, 'Moved');
    const lock = await LockAndKill.hold(bed.t.app.db, 'sync_run_items', 'exclusive');
    let run: Awaited<ReturnType<typeof syncAndWait>>;
    try {
      const running = syncAndWait(bed, ids);
      // Every new connection the run tries dies too, for longer than SYNC_DATABASE_WAIT_SECONDS (2 s).
      const until = Date.now() + 3_500;
      let killed = 0;
      while (Date.now() < until) killed += await lock.killWaiting(1, 5_000).catch(() => 0);
      expect(killed).toBeGreaterThanOrEqual(3);
      await lock.release();
      run = await running;
    } finally {
      await lock.release();
    }
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/database connection was lost and did not come back within 2 s/);
    const items = await bed.t.app.db('sync_run_items').where({ run_id: run.id }).count({ n: '*' }).first();
    const total = ['modified', 'deleted', 'duplicated', 'unchanged', 'failed'].reduce(
      (sum, outcome) => sum + run.counts[outcome],
      0,
    );
    expect(total).toBe(run.progress.processed);
    expect(Number(items?.n)).toBeLessThanOrEqual(run.progress.processed);
  });

  it('under a killer of every connection every second, answers no 500 and a running sync completes', async () => {
    const ids = await importAndRename(300, 280, 1000, 10, 'Killed');
    bed.sim.setLatency(40, 'batch');
    const connection = (bed.t.app.db.client as { config: { connection: unknown } }).config.connection;
    const killer = knex({ client: 'pg', connection: connection as never, pool: { min: 0, max: 1 } });
    const startedAt = new Date();
    let kills = 0;
    let stop = false;
    const killing = (async () => {
      while (!stop) {
        const { rows } = await killer.raw(
          `select pg_terminate_backend(pid) from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()`,
        );
        kills += rows.length;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    const statuses = new Map<number, number>();
    const unavailable: Array<{ retryAfter: unknown; code: unknown }> = [];
    const count = (response: {
      status: number;
      headers: Record<string, unknown>;
      body: { code?: unknown };
    }) => {
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 503)
        unavailable.push({ retryAfter: response.headers['retry-after'], code: response.body.code });
    };
    const clients = Array.from({ length: 10 }, async (_, client) => {
      for (let round = 0; !stop; round += 1) {
        if (client % 3 === 0) {
          const created = await bed.t.http
            .post('/api/users')
            .set('cookie', admin())
            .send({ username: `load-${client}-${round}`, email: `load-${client}-${round}@example.com` });
          count(created);
        } else {
          count(await bed.t.http.get('/api/users').query({ search: 'a' }).set('cookie', admin()));
        }
      }
    });
    try {
      // A client retries a 503 as Retry-After says (sooner here, to keep the test short).
      let started = await startSync(ids);
      while (started.status === 503) {
        count(started);
        await new Promise((resolve) => setTimeout(resolve, 200));
        started = await startSync(ids);
      }
      expect(started.status).toBe(200);
      const run = started.body;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      stop = true;
      await Promise.all([...clients, killing]);
      console.info(
        `database-loss: ${kills} connections killed; answers ${JSON.stringify(Object.fromEntries(statuses))}; ` +
          `sync ${run.status} (${run.error}) ${JSON.stringify(run.counts)}, processed ${run.progress.processed} of ${ids.length}`,
      );
      expect(kills).toBeGreaterThan(5);
      expect([...statuses.keys()].filter((status) => status >= 500 && status !== 503)).toEqual([]);
      for (const answer of unavailable)
        expect(answer).toEqual({ retryAfter: '2', code: 'database_unavailable' });
      expect(run).toMatchObject({ status: 'succeeded', error: null, counts: { failed: 0 } });
      expect(run.progress.processed).toBe(ids.length);
      // A start answered 503 may still have started a run (its COMMIT landed, the answer was lost): every
      // run of the test succeeded, and together they applied each change exactly once.
      const runs = await bed.t.app
        .db('sync_runs')
        .where('created_at', '>=', startedAt)
        .select('status', 'modified');
      expect(runs.map((row) => row.status)).toEqual(runs.map(() => 'succeeded'));
      expect(runs.reduce((sum, row) => sum + row.modified, 0)).toBe(28);
      const moved = await bed.t.app
        .db('users')
        .whereIn('id', ids)
        .where({ last_name: 'Killed' })
        .count({ n: '*' });
      expect(Number(moved[0].n)).toBe(28);
    } finally {
      stop = true;
      await Promise.allSettled([...clients, killing]);
      await killer.destroy();
      bed.sim.setLatency(0);
    }
  }, 90_000);
});
