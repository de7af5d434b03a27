import type { FastifyInstance } from 'fastify';
import { Problem } from '../../infra/http/problem';
import { listAuditEvents } from './repository';

export async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { limit: number; cursor?: string } }>('/api/audit-events', async (request) => {
    const cursor = request.query.cursor;
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) {
      throw Problem.badRequest('invalid_cursor', 'The cursor is not one this API handed out.');
    }
    return listAuditEvents(app.db, request.query.limit, cursor ?? null);
  });
}
