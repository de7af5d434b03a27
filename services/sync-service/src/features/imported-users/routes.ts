import type { FastifyInstance } from 'fastify';
import { configuredTenantId } from '../settings/connection-repository';
import { userView } from '../users/user';
import { countImportedUsers, type ImportedUserQuery, listImportedUsers } from './listing';

export async function importedUserRoutes(app: FastifyInstance) {
  app.get<{ Querystring: ImportedUserQuery }>('/api/imported-users', async (request) => {
    const tenantId = await configuredTenantId(app.db);
    if (!tenantId) {
      return { items: [], total: 0, totalIsExact: true, nextCursor: null, prevCursor: null, tenantId: null };
    }
    const [page, count] = await Promise.all([
      listImportedUsers(app.db, tenantId, request.query),
      countImportedUsers(app.db, tenantId, request.query.search),
    ]);
    return {
      items: page.rows.map(userView),
      ...count,
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      tenantId,
    };
  });
}
