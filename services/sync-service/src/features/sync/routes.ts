import type { FastifyInstance, FastifyReply } from 'fastify';
import { isConnectionLost, readAgainOnce } from '../../infra/db/connection-loss';
import { Problem } from '../../infra/http/problem';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { syncRunEvents } from './events';
import { listItems } from './item-repository';
import type { SyncOutcome } from './outcomes';
import {
  findActiveRun,
  findConfirmingRun,
  findLastFinishedRun,
  findRun,
  findSelection,
  listRuns,
  type StoredSelection,
  type SyncRunRow,
} from './run-repository';
import { runUrl, syncRunItemView, syncRunView } from './run-view';
import { followRun } from './run-watch';

interface SyncRequestBody {
  selection:
    | { userIds: string[] }
    | { allMatching: { search?: string } }
    | { wholeDirectory: { fullPass?: boolean } };
  dryRun?: boolean;
  confirmDeletions?: boolean;
}

const maxWaitSeconds = 60;

function storedSelection(selection: SyncRequestBody['selection']): StoredSelection {
  if ('userIds' in selection) {
    return { kind: 'userIds', userIds: selection.userIds, requested: selection.userIds.length };
  }
  if ('wholeDirectory' in selection) {
    return { kind: 'wholeDirectory', fullPass: selection.wholeDirectory.fullPass ?? false };
  }
  return { kind: 'allMatching', search: selection.allMatching.search?.trim() ?? '' };
}

/** `Prefer: wait=N` (RFC 7240): seconds the caller is willing to wait for the run to end. */
function preferredWait(prefer: string | undefined): number {
  const seconds = Number(/^wait=(\d{1,2})$/.exec(prefer ?? '')?.[1] ?? 0);
  return Math.min(seconds, maxWaitSeconds);
}

async function runOr404(app: FastifyInstance, id: string): Promise<SyncRunRow> {
  const run = await findRun(app.db, id);
  if (!run) throw Problem.notFound('This sync run');
  return run;
}

function accepted(reply: FastifyReply, run: SyncRunRow) {
  return reply.code(202).header('location', runUrl(run.id)).send(syncRunView(run));
}

export async function syncRoutes(app: FastifyInstance) {
  app.get('/api/sync', async () => {
    const [running, last] = await Promise.all([findActiveRun(app.db), findLastFinishedRun(app.db)]);
    return { running: running ? syncRunView(running) : null, last: last ? syncRunView(last) : null };
  });

  app.post<{ Body: SyncRequestBody; Headers: { prefer?: string } }>('/api/sync', async (request, reply) => {
    const run = await app.syncEngine.start({
      selection: storedSelection(request.body.selection),
      dryRun: request.body.dryRun ?? false,
      confirmDeletions: request.body.confirmDeletions ?? false,
      requestedBy: actorOf(identityOf(request)),
    });
    const waitSeconds = preferredWait(request.headers.prefer);
    if (waitSeconds === 0) return accepted(reply, run);
    const gaveUp = AbortSignal.any([AbortSignal.timeout(waitSeconds * 1000), app.syncEngine.closing]);
    // The run has started: from here a lost database connection must not turn the answer into an error,
    // or a client retrying it would start the work again. It answers the run as last seen.
    const unlessConnectionLost = (error: unknown) => {
      if (isConnectionLost(error)) return undefined;
      throw error;
    };
    const ended = await followRun(app.db, app.syncEngine.progress, run.id, gaveUp, () => undefined).catch(
      unlessConnectionLost,
    );
    reply.header('preference-applied', `wait=${waitSeconds}`);
    if (ended) return reply.code(200).header('location', runUrl(run.id)).send(syncRunView(ended));
    const latest = await readAgainOnce(() => findRun(app.db, run.id)).catch(unlessConnectionLost);
    return accepted(reply, latest ?? run);
  });

  app.get<{ Querystring: { limit: number; cursor?: string } }>('/api/sync/runs', async (request) => {
    const page = await listRuns(app.db, request.query.limit, request.query.cursor);
    return { items: page.rows.map(syncRunView), nextCursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/sync/runs/:id', async (request) => {
    return syncRunView(await runOr404(app, request.params.id));
  });

  app.get<{ Params: { id: string }; Querystring: { outcome?: SyncOutcome; limit: number; cursor?: string } }>(
    '/api/sync/runs/:id/items',
    async (request) => {
      await runOr404(app, request.params.id);
      const page = await listItems(app.db, request.params.id, request.query);
      return { items: page.rows.map(syncRunItemView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: string } }>('/api/sync/runs/:id/events', async (request, reply) => {
    await runOr404(app, request.params.id);
    return syncRunEvents(app, request, reply, request.params.id);
  });

  app.post<{ Params: { id: string } }>('/api/sync/runs/:id/confirm', async (request, reply) => {
    const blocked = await runOr404(app, request.params.id);
    if (blocked.status !== 'blocked') {
      throw Problem.conflict(
        'sync_run_not_blocked',
        'Only a run blocked by the deletion threshold can be confirmed.',
      );
    }
    const confirming = await findConfirmingRun(app.db, blocked.id);
    if (confirming) {
      throw Problem.conflict(
        'sync_run_already_confirmed',
        `This run was already confirmed by run ${confirming.id}.`,
      );
    }
    const selection = (await findSelection(app.db, blocked.id)) as StoredSelection;
    const run = await app.syncEngine.start({
      selection,
      dryRun: false,
      confirmDeletions: true,
      requestedBy: actorOf(identityOf(request)),
      confirmedRunId: blocked.id,
    });
    return accepted(reply, run);
  });
}
