import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { serve } from '../../infra/contract/serve';
import type { NotificationChannel } from '../notifications/run-notifier';
import { loadSchedule } from '../schedule/schedule-repository';
import { activeStatuses, type SyncRunStatus } from '../sync/runs/run-repository';

const runStatuses: readonly SyncRunStatus[] = [
  'queued',
  'running',
  'succeeded',
  'partial',
  'failed',
  'blocked',
  'interrupted',
];

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
    /** Counts a schedule notification that did not reach its recipients. */
    countNotificationFailure(channel: NotificationChannel): void;
  }
}

interface PoolStats {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * Prometheus metrics. Run and outcome figures are read from the database at scrape time, so every
 * replica reports the same truth whichever process ran the sync; request timings and Graph traffic are
 * this process's own.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'adsync_' });

    const httpDuration = new Histogram({
      name: 'adsync_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    app.addHook('onResponse', async (request, reply) => {
      httpDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    const lease = app.config.SYNC_LEASE_SECONDS;
    new Gauge({
      name: 'adsync_sync_runs',
      help: 'Sync runs kept in the history, by status; an active run whose heartbeat is older than the lease counts as interrupted',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        // Read only: the scheduler tick marks a dead run, the scrape just does not call it running meanwhile.
        const rows: Array<{ status: string; count: number }> = await app
          .db('sync_runs')
          .select(
            app.db.raw(
              `case when status in (${activeStatuses.map(() => '?').join(', ')}) and heartbeat_at < now() - make_interval(secs => ?) then 'interrupted' else status end as status`,
              [...activeStatuses, lease],
            ),
          )
          .count({ count: '*' })
          .groupByRaw('1');
        this.reset();
        for (const status of runStatuses) this.set({ status }, 0);
        for (const row of rows) this.set({ status: row.status }, Number(row.count));
      },
    });
    new Gauge({
      name: 'adsync_sync_outcomes',
      help: 'Per-user outcomes of the runs kept in the history (dry runs excluded)',
      labelNames: ['outcome'],
      registers: [registry],
      async collect() {
        const totals = await app
          .db('sync_runs')
          .where({ dry_run: false })
          .sum({
            modified: 'modified',
            deleted: 'deleted',
            duplicated: 'duplicated',
            unchanged: 'unchanged',
            failed: 'failed',
          })
          .first();
        for (const [outcome, value] of Object.entries(totals ?? {}))
          this.set({ outcome }, Number(value ?? 0));
      },
    });
    new Gauge({
      name: 'adsync_sync_last_run_duration_seconds',
      help: 'Duration of the last finished run',
      registers: [registry],
      async collect() {
        const last = await app
          .db('sync_runs')
          .whereNotNull('finished_at')
          .whereNotNull('started_at')
          .orderBy('finished_at', 'desc')
          .first(app.db.raw('extract(epoch from finished_at - started_at) as seconds'));
        this.set(Number(last?.seconds ?? 0));
      },
    });
    new Gauge({
      name: 'adsync_imported_users',
      help: 'Imported users by tenant',
      labelNames: ['tenant_id'],
      registers: [registry],
      async collect() {
        const rows: Array<{ tenant_id: string; imported_count: number }> = await app.db('tenant_user_counts');
        this.reset();
        for (const row of rows) this.set({ tenant_id: row.tenant_id }, Number(row.imported_count));
      },
    });
    let reported = { requests: 0, throttled: 0, retries: 0 };
    new Counter({
      name: 'adsync_graph_requests_total',
      help: 'HTTP requests sent to Microsoft Graph by this process, and how many were throttled or retried',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        // The directory client keeps the counts; fold their growth in at each scrape.
        const stats = app.directoryAccess.currentStats();
        for (const kind of ['requests', 'throttled', 'retries'] as const) {
          const grown = stats[kind] - reported[kind];
          if (grown > 0) this.inc({ kind }, grown);
        }
        reported = stats;
      },
    });
    new Gauge({
      name: 'adsync_database_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const pool = (app.db.client as { pool?: PoolStats }).pool;
        if (!pool) return;
        this.set({ state: 'used' }, pool.numUsed());
        this.set({ state: 'free' }, pool.numFree());
        this.set({ state: 'pending' }, pool.numPendingAcquires());
      },
    });

    new Gauge({
      name: 'adsync_schedule_enabled',
      help: 'Whether the sync schedule is enabled (1) or not (0)',
      registers: [registry],
      async collect() {
        this.set((await loadSchedule(app.db)).enabled ? 1 : 0);
      },
    });
    new Gauge({
      name: 'adsync_schedule_next_run_timestamp_seconds',
      help: 'When the next scheduled run is due (Unix time); 0 while the schedule is disabled',
      registers: [registry],
      async collect() {
        const { enabled, next_run_at: next } = await loadSchedule(app.db);
        this.set(enabled && next ? next.getTime() / 1000 : 0);
      },
    });
    new Gauge({
      name: 'adsync_schedule_last_run_status',
      help: "The last scheduled run's status: 1 for its status, 0 for the others; absent when none is kept",
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const { last_run_status: last } = await loadSchedule(app.db);
        this.reset();
        if (last) for (const status of runStatuses) this.set({ status }, status === last ? 1 : 0);
      },
    });
    const notificationFailures = new Counter({
      name: 'adsync_notification_failures_total',
      help: 'Scheduled-run notifications this process could not deliver, by channel (webhook, email)',
      labelNames: ['channel'],
      registers: [registry],
    });
    for (const channel of ['webhook', 'email'] as const) notificationFailures.inc({ channel }, 0);

    app.decorate('metrics', registry);
    app.decorate('countNotificationFailure', (channel: NotificationChannel) =>
      notificationFailures.inc({ channel }),
    );
    serve(app, 'get', '/metrics', async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics', dependencies: ['database', 'directory-access'] },
);
