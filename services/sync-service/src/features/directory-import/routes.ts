import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { DirectoryError } from '../../infra/directory';
import { Problem } from '../../infra/http/problem';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { mapProfile } from '../users/profile-fields';
import { findCollisions, importedUsersByObjectIds } from '../users/repository';
import { userView } from '../users/user';
import { firstMatches } from './first-matches';
import { importUsers } from './importer';

/** A directory failure is reported as a 502 naming Azure AD's reason; it never reads as "no such user". */
export function asProblem(error: unknown): never {
  if (error instanceof DirectoryError) throw Problem.badGateway(error.failure.code, error.failure.message);
  throw error;
}

export async function directoryImportRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/directory/users', async (request) => {
    const directory = await app.directoryAccess.open();
    const { items: users, moreMatches } = await firstMatches(
      (limit) => directory.client.searchUsers(request.query.search?.trim() ?? '', limit),
      request.query.limit,
    ).catch(asProblem);
    const profiles = users.map((user) => mapProfile(user, directory.mapping));
    const imported = await importedUsersByObjectIds(
      app.db,
      directory.tenantId,
      users.map((user) => user.id),
    );
    const importedIds = new Map(imported.map((row) => [row.object_id, row.id]));
    const collisions = await findCollisions(app.db, profiles);
    return {
      items: users.map((user, index) => {
        const importedUserId = importedIds.get(user.id) ?? null;
        const duplicateOf = importedUserId ? null : collisions[index];
        return {
          objectId: user.id,
          displayName: user.displayName,
          userPrincipalName: user.userPrincipalName,
          mapped: profiles[index],
          status: importedUserId ? 'imported' : duplicateOf ? 'duplicate' : 'available',
          duplicateOf,
          importedUserId,
        };
      }),
      moreMatches,
    };
  });

  serve(app, 'post', '/api/imported-users', async (request) => {
    const directory = await app.directoryAccess.open();
    const outcome = await importUsers(app.db, directory, request.body.objectIds).catch(asProblem);
    await recordAudit(app.db, actorOf(identityOf(request)), 'users.imported', directory.tenantId, {
      requested: request.body.objectIds.length,
      ...outcome.counts,
    });
    return {
      counts: outcome.counts,
      results: outcome.results.map(({ user, ...item }) => ({
        ...item,
        ...(user ? { user: userView(user) } : {}),
      })),
    };
  });
}
