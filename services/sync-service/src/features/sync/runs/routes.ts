import type { components } from '@adsync/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { serve } from '../../../infra/contract/serve';
import { isConnectionLost, readAgainOnce } from '../../../infra/db/connection-loss';
import { Problem } from '../../../infra/http/problem';
import { actorOf } from '../../auth/identity';
import { identityOf } from '../../auth/plugin';
import { groupIdsWithOutcomes } from '../groups/item-repository';
import { syncRunEvents } from './events';
import { listItems, userIdsWithOutcomes } from './item-repository';
import { runItemsCsv } from './run-items-csv';
import {
  findActiveRun,
  findConfirmingRun,
  findLastFinishedRun,
  findRun,
  findSelection,
  isGroupSelection,
  listRuns,
  type RunHistoryFilter,
  type RunOrigin,
  type StoredSelection,
  type SyncRunRow,
} from './run-repository';
import { runUrl, syncRunItemView, syncRunView } from './run-view';
import { followRun } from './run-watch';

const maxWaitSeconds = 60;

async function storedSelection(
  app: FastifyInstance,
  selection: components['schemas']['SyncRequest']['selection'],
): Promise<StoredSelection> {
  if ('userIds' in selection) {
    return { kind: 'userIds', userIds: selection.userIds, requested: selection.userIds.length };
  }
  if ('wholeDirectory' in selection) {
    return { kind: 'wholeDirectory', fullPass: selection.wholeDirectory.fullPass ?? false };
  }
  if ('fromRun' in selection) return rerunSelection(app, selection.fromRun);
  if ('groupIds' in selection)
    return { kind: 'groupIds', groupIds: selection.groupIds, requested: selection.groupIds.length };
  if ('allMatchingGroups' in selection)
    return { kind: 'allMatchingGroups', search: selection.allMatchingGroups.search?.trim() ?? '' };
  return { kind: 'allMatching', search: selection.allMatching.search?.trim() ?? '' };
}

/**
 * A re-run: the users (for a run of groups, the groups) of an earlier run's items with the given outcomes,
 * remembering where they came from.
 */
async function rerunSelection(app: FastifyInstance, origin: RunOrigin): Promise<StoredSelection> {
  const run = await runOr404(app, origin.runId);
  const outcomes = [...new Set(origin.outcomes)];
  const fromRun = { runId: origin.runId, outcomes };
  const groups = isGroupSelection(run.selection);
  const ids = await (groups ? groupIdsWithOutcomes : userIdsWithOutcomes)(app.db, origin.runId, outcomes);
  if (ids.length === 0) {
    throw Problem.badRequest(
      groups ? 'no_groups_selected' : 'no_users_selected',
      `Run ${origin.runId} has no ${groups ? 'groups' : 'users'} with the outcome ${outcomes.join(' or ')}.`,
    );
  }
  return groups
    ? { kind: 'groupIds', groupIds: ids, requested: ids.length, fromRun }
    : { kind: 'userIds', userIds: ids, requested: ids.length, fromRun };
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

/** What the routes that start a run answer while it goes on: 202 and the run. */
function accepted(
  reply: FastifyReply<{ Reply: { 202: components['schemas']['SyncRun'] } }>,
  run: SyncRunRow,
) {
  return reply.header('location', runUrl(run.id)).code(202).send(syncRunView(run));
}

export async function syncRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/sync', async () => {
    const [running, last] = await Promise.all([findActiveRun(app.db), findLastFinishedRun(app.db)]);
    return { running: running ? syncRunView(running) : null, last: last ? syncRunView(last) : null };
  });

  serve(app, 'post', '/api/sync', async (request, reply) => {
    const run = await app.syncEngine.start({
      selection: await storedSelection(app, request.body.selection),
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
    // The status last: Fastify's types narrow what `send` takes by `code`, and `header` forgets it.
    if (ended) return reply.header('location', runUrl(run.id)).code(200).send(syncRunView(ended));
    const latest = await readAgainOnce(() => findRun(app.db, run.id)).catch(unlessConnectionLost);
    return accepted(reply, latest ?? run);
  });

  serve(app, 'get', '/api/sync/runs', async (request) => {
    const { limit, cursor, status, trigger, from, to, requestedBy } = request.query;
    const filter: RunHistoryFilter = { statuses: status, triggers: trigger, from, to, requestedBy };
    const page = await listRuns(app.db, limit, cursor, filter);
    return { items: page.rows.map(syncRunView), nextCursor: page.nextCursor };
  });

  serve(app, 'get', '/api/sync/runs/{id}', async (request) => {
    return syncRunView(await runOr404(app, request.params.id));
  });

  serve(app, 'get', '/api/sync/runs/{id}/items', async (request) => {
    await runOr404(app, request.params.id);
    const { outcome, search, limit, cursor } = request.query;
    const page = await listItems(app.db, request.params.id, { outcomes: outcome, search, limit, cursor });
    return { items: page.rows.map(syncRunItemView), nextCursor: page.nextCursor };
  });

  serve(app, 'get', '/api/sync/runs/{id}/items.csv', async (request, reply) => {
    const run = await runOr404(app, request.params.id);
    const { outcome, search } = request.query;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="sync-run-${run.id}-items.csv"`)
      .code(200)
      .send(runItemsCsv(app.db, run.id, { outcomes: outcome, search }));
  });

  serve(app, 'get', '/api/sync/runs/{id}/events', async (request, reply) => {
    await runOr404(app, request.params.id);
    return syncRunEvents(app, request, reply, request.params.id);
  });

  serve(app, 'post', '/api/sync/runs/{id}/confirm', async (request, reply) => {
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
