import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import type { Queryable } from '../../infra/db/queryable';
import { Problem } from '../../infra/http/problem';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { configuredTenant } from '../settings/connection-repository';
import { existingUserIds, listUsers } from '../users/repository';
import { userView } from '../users/user';
import { groupView, isGroupNameViolation } from './group';
import { addMembers, memberIdsOf, removeMember } from './member-repository';
import {
  countGroups,
  deleteGroup,
  findGroup,
  findGroupNamed,
  insertGroup,
  listGroups,
  updateGroup,
} from './repository';

const nameTaken = (extensions?: Record<string, unknown>) =>
  Problem.conflict('group_name_taken', 'Another group already has this name.', extensions);

async function refuseTakenName(db: Queryable, name: string, excludeGroupId?: string) {
  const holder = await findGroupNamed(db, name, excludeGroupId);
  if (holder) throw nameTaken({ duplicateOfGroup: holder });
}

/** Maps a unique-index race into the same 409 a checked name gets. */
function rethrowNameViolation(error: unknown): never {
  if (isGroupNameViolation(error)) throw nameTaken();
  throw error;
}

async function existingGroup(db: Queryable, id: string) {
  const group = await findGroup(db, id);
  if (!group) throw Problem.notFound('This group');
  return group;
}

/** Imported groups follow Azure AD: their name, description and members change only through import and sync. */
async function localGroup(db: Queryable, id: string) {
  const group = await existingGroup(db, id);
  if (group.source !== 'local') {
    throw Problem.conflict(
      'group_is_imported',
      'A group imported from Azure AD changes only through import and sync.',
    );
  }
  return group;
}

export async function groupRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/groups', async (request) => {
    const page = await listGroups(app.db, request.query);
    return { items: page.rows.map(groupView), nextCursor: page.nextCursor };
  });

  serve(app, 'get', '/api/imported-groups', async (request) => {
    const { search } = request.query;
    // Both statements read the configured tenant themselves, so they run side by side.
    const [page, total] = await Promise.all([
      listGroups(app.db, { ...request.query, tenantId: configuredTenant(app.db) }),
      countGroups(app.db, { search, tenantId: configuredTenant(app.db) }),
    ]);
    return { items: page.rows.map(groupView), total, nextCursor: page.nextCursor };
  });

  serve(app, 'get', '/api/groups/{id}', async (request) =>
    groupView(await existingGroup(app.db, request.params.id)),
  );

  serve(app, 'post', '/api/groups', async (request, reply) => {
    const { name, description } = request.body;
    const created = await app.db
      .transaction(async (trx) => {
        await refuseTakenName(trx, name);
        const group = await insertGroup(trx, { name, description: description ?? null, source: 'local' });
        await recordAudit(trx, actorOf(identityOf(request)), 'group.created', group.id, { name });
        return group;
      })
      .catch(rethrowNameViolation);
    return reply.code(201).send(groupView(created));
  });

  serve(app, 'patch', '/api/groups/{id}', async (request) => {
    const changed = await app.db
      .transaction(async (trx) => {
        const group = await localGroup(trx, request.params.id);
        if (request.body.name !== undefined) await refuseTakenName(trx, request.body.name, group.id);
        const updated = await updateGroup(trx, group.id, request.body);
        await recordAudit(trx, actorOf(identityOf(request)), 'group.updated', group.id, {
          fields: Object.keys(request.body),
          ...(request.body.name !== undefined ? { before: group.name, after: request.body.name } : {}),
        });
        return updated;
      })
      .catch(rethrowNameViolation);
    return groupView(changed);
  });

  serve(app, 'delete', '/api/groups/{id}', async (request, reply) => {
    await app.db.transaction(async (trx) => {
      const group = await localGroup(trx, request.params.id);
      await deleteGroup(trx, group.id);
      await recordAudit(trx, actorOf(identityOf(request)), 'group.deleted', group.id, { name: group.name });
    });
    return reply.code(204).send();
  });

  serve(app, 'get', '/api/groups/{id}/members', async (request) => {
    const group = await existingGroup(app.db, request.params.id);
    const page = await listUsers(app.db, request.query, memberIdsOf(app.db, group.id));
    return { items: page.rows.map(userView), nextCursor: page.nextCursor };
  });

  serve(app, 'post', '/api/groups/{id}/members', async (request) => {
    const { userIds } = request.body;
    return app.db.transaction(async (trx) => {
      const group = await localGroup(trx, request.params.id);
      const existing = new Set(await existingUserIds(trx, userIds));
      const unknown = userIds.filter((id) => !existing.has(id));
      if (unknown.length > 0) {
        throw new Problem(404, 'not_found', 'Not found', 'Some of these users do not exist.', {
          errors: unknown.map((id) => ({ path: 'body.userIds', message: `No user ${id}` })),
        });
      }
      const added = await addMembers(trx, group.id, userIds);
      await recordAudit(trx, actorOf(identityOf(request)), 'group.members_added', group.id, {
        requested: userIds.length,
        added: added.length,
      });
      return { added: added.length, alreadyMembers: userIds.length - added.length };
    });
  });

  serve(app, 'delete', '/api/groups/{id}/members/{userId}', async (request, reply) => {
    await app.db.transaction(async (trx) => {
      const group = await localGroup(trx, request.params.id);
      if (!(await removeMember(trx, group.id, request.params.userId)))
        throw Problem.notFound('This member of the group');
      await recordAudit(trx, actorOf(identityOf(request)), 'group.member_removed', group.id, {
        userId: request.params.userId,
      });
    });
    return reply.code(204).send();
  });
}
