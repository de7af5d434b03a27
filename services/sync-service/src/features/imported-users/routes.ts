import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import type { Queryable } from '../../infra/db/queryable';
import { configuredTenant } from '../settings/connection-repository';
import {
  countImportedUsers,
  type ImportedUserQuery,
  listImportedUsers,
  searchImportedUsers,
} from '../users/repository';
import { userView } from '../users/user';

/** A page with its total: a search counts in the statement that finds its page. */
async function importedUsersPage(db: Queryable, query: ImportedUserQuery) {
  const { search } = query;
  if (search) return searchImportedUsers(db, configuredTenant(db), { ...query, search });
  // Both statements read the configured tenant themselves, so they run side by side.
  const [page, count] = await Promise.all([
    listImportedUsers(db, configuredTenant(db), query),
    countImportedUsers(db),
  ]);
  return { ...page, ...count };
}

export async function importedUserRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/imported-users', async (request) => {
    const page = await importedUsersPage(app.db, request.query);
    return {
      items: page.rows.map(userView),
      total: page.total,
      totalIsExact: page.totalIsExact,
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      tenantId: page.tenantId,
    };
  });
}
