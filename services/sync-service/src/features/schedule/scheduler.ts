import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../../infra/http/problem';
import type { RunRequester } from '../auth/identity';
import { notifyRunEnded } from '../notifications/run-notifier';
import { interruptAbandonedRuns, type SyncRequest } from '../sync/runs/engine';
import { syncRunView } from '../sync/runs/run-view';
import { followRun } from '../sync/runs/run-watch';
import { nextOccurrence } from './cadence';
import {
  announceWait,
  cadenceOf,
  claimDueRun,
  loadSchedule,
  recordScheduledRun,
  releaseClaim,
  type ScheduleRow,
} from './schedule-repository';

const scheduleActor: RunRequester = { kind: 'schedule', id: null, name: 'schedule' };

/** What the schedule runs: the whole directory, incrementally (only what changed since the last pass). */
const scheduledSync: SyncRequest = {
  selection: { kind: 'wholeDirectory', fullPass: false },
  trigger: 'scheduled',
  dryRun: false,
  confirmDeletions: false,
  requestedBy: scheduleActor,
};

/**
 * Every process ticks, schedule or not: each tick first marks runs whose process died as interrupted. The
 * database decides which process starts a due run (see claimDueRun). The run executes
 * in the process that claimed it, and that process tells the recipients when it ends.
 */
export const schedulerPlugin = fp(
  async (app: FastifyInstance) => {
    const log = app.log.child({ component: 'scheduler' });
    const tickMs = app.config.SCHEDULER_TICK_SECONDS * 1000;
    const watching = new AbortController();
    const followers = new Set<Promise<void>>();
    let timer: NodeJS.Timeout | undefined;
    let ticking: Promise<void> = Promise.resolve();
    let stopped = false;

    async function followAndNotify(runId: string): Promise<void> {
      const runLog = log.child({ runId });
      const ended = await followRun(app.db, app.syncEngine.progress, runId, watching.signal, () => undefined);
      if (!ended) {
        runLog.warn('stopped watching the scheduled run before it ended; nobody is notified of it');
        return;
      }
      runLog.info({ status: ended.status }, 'scheduled sync ended');
      // The recipients as they are now: an address fixed during the run is used already.
      const targets = await loadSchedule(app.db);
      await notifyRunEnded(
        app.config,
        runLog,
        syncRunView(ended),
        { webhookUrl: targets.webhook_url, notifyEmails: targets.notify_emails },
        app.countNotificationFailure,
        app.outbound,
      );
    }

    async function startClaimed(schedule: ScheduleRow, dueAt: Date): Promise<void> {
      try {
        const run = await app.syncEngine.start(scheduledSync);
        await recordScheduledRun(app.db, run.id, run.created_at);
        log.info({ runId: run.id, dueAt }, 'scheduled sync started');
        const follower = followAndNotify(run.id)
          .catch((error) => log.error({ err: error, runId: run.id }, 'could not notify of the scheduled run'))
          .finally(() => followers.delete(follower));
        followers.add(follower);
      } catch (error) {
        if (error instanceof Problem && error.code === 'sync_already_running') {
          // Not skipped: the occurrence stays due and the next tick of any process tries again.
          await releaseClaim(app.db, schedule.revision, dueAt);
          // Every tick of every process retries; the wait is logged once per occurrence, by one of them.
          if (await announceWait(app.db, dueAt)) {
            log.warn(
              { runningRunId: error.extensions.runningRunId, dueAt },
              'scheduled sync waits for the run in progress; it starts once that run ends',
            );
          }
          return;
        }
        log.error({ err: error, dueAt }, 'scheduled sync could not start; the schedule moves on');
      }
    }

    async function tick(): Promise<void> {
      // Dead runs are found by time, whether or not a schedule is enabled or anyone is looking.
      await interruptAbandonedRuns(app.db, app.config.SYNC_LEASE_SECONDS, log);
      const schedule = await loadSchedule(app.db);
      const cadence = cadenceOf(schedule);
      const dueAt = schedule.next_run_at;
      if (!schedule.enabled || !cadence || !dueAt || dueAt.getTime() > Date.now()) return;
      // The engine stops taking runs once the app closes; a claim now would only lose the occurrence.
      if (app.syncEngine.closing.aborted) return;
      const next = nextOccurrence(cadence, new Date(), dueAt);
      if (await claimDueRun(app.db, schedule.revision, next)) await startClaimed(schedule, dueAt);
    }

    function scheduleTick(): void {
      timer = setTimeout(() => {
        ticking = tick()
          .catch((error) => log.error({ err: error }, 'scheduler tick failed'))
          .finally(() => {
            if (!stopped) scheduleTick();
          });
      }, tickMs);
      timer.unref();
    }

    const stopTicking = () => {
      stopped = true;
      clearTimeout(timer);
    };
    app.addHook('onReady', async () => scheduleTick());
    app.syncEngine.closing.addEventListener('abort', stopTicking);
    // Registered after the sync engine, so this runs once the engine's runs have recorded how they ended:
    // a run stopped by the shutdown is still reported, within the delivery timeouts.
    app.addHook('preClose', async () => {
      stopTicking();
      await ticking;
      const grace = AbortSignal.timeout((2 * app.config.NOTIFY_TIMEOUT_SECONDS + 2) * 1000);
      grace.addEventListener('abort', () => watching.abort());
      await Promise.allSettled([...followers]);
      watching.abort();
    });
  },
  { name: 'scheduler', dependencies: ['database', 'sync-engine', 'metrics'] },
);
