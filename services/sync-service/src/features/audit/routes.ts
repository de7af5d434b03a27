import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { Problem } from '../../infra/http/problem';
import { listAuditEvents } from './repository';

export async function auditRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/audit-events', async (request) => {
    const cursor = request.query.cursor;
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) {
      throw Problem.badRequest('invalid_cursor', 'The cursor is not one this API handed out.');
    }
    return listAuditEvents(app.db, request.query.limit, cursor ?? null);
  });
}
