import type { FastifyInstance } from 'fastify';
import { serve } from '../../../infra/contract/serve';
import { Problem } from '../../../infra/http/problem';
import { findRun } from '../runs/run-repository';
import { groupItemView, listGroupItems } from './item-repository';

/** The per-group items of a run of groups; the run itself, its events and confirmation are the runs' routes. */
export async function syncGroupRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/sync/runs/{id}/group-items', async (request) => {
    if (!(await findRun(app.db, request.params.id))) throw Problem.notFound('This sync run');
    const { outcome, search, limit, cursor } = request.query;
    const page = await listGroupItems(app.db, request.params.id, {
      outcomes: outcome,
      search,
      limit,
      cursor,
    });
    return { items: page.rows.map(groupItemView), nextCursor: page.nextCursor };
  });
}
