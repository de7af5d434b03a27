import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { unstorableGroup } from '../../infra/directory';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { groupView } from '../groups/group';
import { groupsNamed, importedGroupsByObjectIds } from '../groups/repository';
import { userView } from '../users/user';
import { firstMatches } from './first-matches';
import { importGroups } from './group-importer';
import { asProblem } from './routes';

export async function directoryGroupRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/directory/groups', async (request) => {
    const directory = await app.directoryAccess.open();
    const { items: groups, moreMatches } = await firstMatches(
      (limit) => directory.client.searchGroups(request.query.search?.trim() ?? '', limit),
      request.query.limit,
    ).catch(asProblem);
    // A name the database cannot hold is shown, never sent to it.
    const refusals = new Map(groups.map((group) => [group.id, unstorableGroup(group)]));
    const storable = groups.filter((group) => !refusals.get(group.id));
    const imported = await importedGroupsByObjectIds(
      app.db,
      directory.tenantId,
      storable.map((group) => group.id),
    );
    const importedIds = new Map(imported.map((row) => [row.object_id, row.id]));
    const holders = await groupsNamed(
      app.db,
      storable.map((group) => group.displayName),
    );
    return {
      items: groups.map((group) => {
        const refusal = refusals.get(group.id);
        const importedGroupId = importedIds.get(group.id) ?? null;
        const duplicateOfGroup =
          refusal || importedGroupId ? null : (holders.get(group.displayName.toLowerCase()) ?? null);
        const status = refusal
          ? 'invalid'
          : importedGroupId
            ? 'imported'
            : duplicateOfGroup
              ? 'duplicate'
              : 'available';
        return {
          objectId: group.id,
          displayName: group.displayName,
          description: group.description,
          status,
          importedGroupId,
          duplicateOfGroup,
          reason: refusal?.message ?? null,
        };
      }),
      moreMatches,
    };
  });

  serve(app, 'post', '/api/imported-groups', async (request) => {
    const directory = await app.directoryAccess.open();
    const outcome = await importGroups(app.db, directory, request.body.objectIds).catch(asProblem);
    await recordAudit(app.db, actorOf(identityOf(request)), 'groups.imported', directory.tenantId, {
      requested: request.body.objectIds.length,
      ...outcome.counts,
      usersImported: outcome.results.reduce(
        (total, item) => total + (item.members?.usersImported.length ?? 0),
        0,
      ),
    });
    return {
      counts: outcome.counts,
      results: outcome.results.map(({ group, members, ...item }) => ({
        ...item,
        ...(group ? { group: groupView(group) } : {}),
        ...(members ? { members: { ...members, usersImported: members.usersImported.map(userView) } } : {}),
      })),
    };
  });
}
