import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Queryable } from '../../../infra/db/queryable';
import { Problem } from '../../../infra/http/problem';
import { recordAudit } from '../../audit/repository';
import type { RunRequester } from '../../auth/identity';
import { directoryGroupsSynchronizer } from '../groups/directory-round';
import { groupsSynchronizer } from '../groups/synchronizer';
import { loadSyncPolicy } from '../policy';
import { usersSynchronizer } from '../users/synchronizer';
import { executeRun, type RunExecution } from './executor';
import {
  findActiveRun,
  insertRun,
  interruptStaleRuns,
  isGroupSelection,
  oneActiveRunIndex,
  type StoredSelection,
  type SyncRunRow,
  type SyncTrigger,
} from './run-repository';
import { RunProgress } from './run-watch';
import { inSequence } from './sequence';

export interface SyncRequest {
  selection: StoredSelection;
  dryRun: boolean;
  confirmDeletions: boolean;
  requestedBy: RunRequester;
  /** `scheduled` for runs the schedule starts; default `manual`. */
  trigger?: SyncTrigger;
  /** The blocked run this one confirms. */
  confirmedRunId?: string;
}

export interface SyncEngine {
  /** Starts a run in this process; 409 `sync_already_running` while any process runs one. */
  start(request: SyncRequest): Promise<SyncRunRow>;
  progress: RunProgress;
  /** Aborted when the app closes: runs stop between chunks, event streams end. */
  closing: AbortSignal;
}

declare module 'fastify' {
  interface FastifyInstance {
    syncEngine: SyncEngine;
  }
}

/**
 * Marks runs abandoned by a crashed process as interrupted, and logs each one once with its id (the process
 * whose update marked it does). Called by every scheduler tick, on start and before every new run, so a dead
 * run is found by time, within a lease and a tick, and never blocks syncing for longer.
 */
export async function interruptAbandonedRuns(
  db: Queryable,
  leaseSeconds: number,
  log: FastifyBaseLogger,
): Promise<string[]> {
  const interrupted = await interruptStaleRuns(db, leaseSeconds);
  for (const runId of interrupted) {
    log.warn({ runId, leaseSeconds }, 'marked a sync run interrupted: its process stopped beating');
  }
  return interrupted;
}

function isOneActiveRunViolation(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === oneActiveRunIndex;
}

/**
 * What a selection synchronizes: selected groups, selected users, or the whole directory, which is its users'
 * round and then its groups' round in one run.
 */
function runWith(execution: RunExecution, selection: StoredSelection) {
  if (isGroupSelection(selection)) return executeRun(execution, groupsSynchronizer);
  if (selection.kind === 'wholeDirectory')
    return executeRun(execution, inSequence(usersSynchronizer, directoryGroupsSynchronizer));
  return executeRun(execution, usersSynchronizer);
}

/** Runs execute in this process, asynchronously; there is no job queue. */
export const syncEnginePlugin = fp(
  async (app: FastifyInstance) => {
    const progress = new RunProgress();
    const closing = new AbortController();
    const executions = new Set<Promise<unknown>>();
    const lease = app.config.SYNC_LEASE_SECONDS;

    async function insertOrConflict(request: SyncRequest, tenantId: string): Promise<SyncRunRow> {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await app.db.transaction(async (trx) => {
            const run = await insertRun(trx, { ...request, trigger: request.trigger ?? 'manual', tenantId });
            await recordAudit(
              trx,
              request.requestedBy,
              request.confirmedRunId ? 'sync.confirmed' : 'sync.started',
              run.id,
              {
                selection: run.selection,
                dryRun: run.dry_run,
                confirmDeletions: run.confirm_deletions,
                trigger: run.trigger,
                ...(request.confirmedRunId ? { confirmedRunId: request.confirmedRunId } : {}),
              },
            );
            return run;
          });
        } catch (error) {
          if (!isOneActiveRunViolation(error)) throw error;
          const active = await findActiveRun(app.db);
          // The active run may have ended between the two statements: then try once more.
          if (active || attempt >= 2) {
            throw Problem.conflict(
              'sync_already_running',
              'A sync is already running; follow it or wait for it to end.',
              {
                ...(active ? { runningRunId: active.id } : {}),
              },
            );
          }
        }
      }
    }

    const engine: SyncEngine = {
      progress,
      closing: closing.signal,
      async start(request) {
        await interruptAbandonedRuns(app.db, lease, app.log);
        const directory = await app.directoryAccess.open();
        const policy = await loadSyncPolicy(app.db);
        const run = await insertOrConflict(request, directory.tenantId);
        const runExecution: RunExecution = {
          db: app.db,
          run,
          selection: request.selection,
          directory,
          policy,
          chunkSize: app.config.SYNC_CHUNK_SIZE,
          heartbeatSeconds: app.config.SYNC_HEARTBEAT_SECONDS,
          databaseWaitSeconds: app.config.SYNC_DATABASE_WAIT_SECONDS,
          shutdown: closing.signal,
          // Every line about a run carries its id, so an operator can follow one run through the log.
          log: app.log.child({ runId: run.id }),
          onProgress: (row) => progress.report(row),
        };
        // The selection says what the run synchronizes; the run around it is the same.
        const execution = runWith(runExecution, request.selection).finally(() =>
          executions.delete(execution),
        );
        executions.add(execution);
        return run;
      },
    };
    app.decorate('syncEngine', engine);

    app.addHook('onReady', async () => {
      await interruptAbandonedRuns(app.db, lease, app.log);
    });
    // Before the server stops and the database closes: runs record how far they got, streams end.
    app.addHook('preClose', async () => {
      closing.abort();
      await Promise.allSettled([...executions]);
    });
  },
  { name: 'sync-engine', dependencies: ['database', 'directory-access'] },
);
