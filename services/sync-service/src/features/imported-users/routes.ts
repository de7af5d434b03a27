import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { configuredTenant } from '../settings/connection-repository';
import { countImportedUsers, listImportedUsers } from '../users/repository';
import { userView } from '../users/user';

export async function importedUserRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/imported-users', async (request) => {
    // Both statements read the configured tenant themselves, so they run side by side.
    const [page, count] = await Promise.all([
      listImportedUsers(app.db, configuredTenant(app.db), request.query),
      countImportedUsers(app.db, request.query.search),
    ]);
    return {
      items: page.rows.map(userView),
      total: count.total,
      totalIsExact: count.totalIsExact,
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      tenantId: count.tenantId,
    };
  });
}
