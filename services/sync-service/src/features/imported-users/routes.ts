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

/** A page with its total, each read in the statement that finds the page. */
async function importedUsersPage(db: Queryable, query: ImportedUserQuery) {
  const { search } = query;
  if (search) return searchImportedUsers(db, configuredTenant(db), { ...query, search });
  const { total, ...page } = await listImportedUsers(db, configuredTenant(db), query, { withTotal: true });
  // A page with no row (no user, or past the last one) carries no total: the counter is read on its own.
  return { ...page, ...(total ?? (await countImportedUsers(db))) };
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
