import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import type { Queryable } from '../../infra/db/queryable';
import { Problem } from '../../infra/http/problem';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { uniqueViolationField } from './duplicates';
import { profileColumnOf } from './profile-fields';
import { deleteUser, findCollisions, findUser, insertUser, listUsers, updateUser } from './repository';
import { userView } from './user';

const patchColumns: Record<string, string> = { ...profileColumnOf, isActive: 'is_active' };

async function refuseCollision(db: Queryable, username: string, email: string, excludeUserId?: string) {
  const [collision] = await findCollisions(db, [{ username, email, excludeUserId }]);
  if (collision) {
    throw Problem.conflict(`${collision.field}_taken`, `Another user already has this ${collision.field}.`, {
      duplicateOf: collision,
    });
  }
}

/** Maps a unique-index race into the same 409 a checked collision gets. */
function rethrowUniqueViolation(error: unknown): never {
  const field = uniqueViolationField(error);
  if (field) throw Problem.conflict(`${field}_taken`, `Another user already has this ${field}.`);
  throw error;
}

async function localUser(db: Queryable, id: string) {
  const user = await findUser(db, id);
  if (!user) throw Problem.notFound('This user');
  if (user.source !== 'local') {
    throw Problem.conflict('user_is_imported', 'Imported users change only through import and sync.');
  }
  return user;
}

export async function userRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/users', async (request) => {
    const page = await listUsers(app.db, request.query);
    return { items: page.rows.map(userView), nextCursor: page.nextCursor };
  });

  serve(app, 'get', '/api/users/{id}', async (request) => {
    const user = await findUser(app.db, request.params.id);
    if (!user) throw Problem.notFound('This user');
    return userView(user);
  });

  serve(app, 'post', '/api/users', async (request, reply) => {
    const input = request.body;
    const created = await app.db
      .transaction(async (trx) => {
        await refuseCollision(trx, input.username, input.email);
        const user = await insertUser(trx, {
          ...input,
          contactNumber: input.contactNumber ?? null,
          source: 'local',
        });
        await recordAudit(trx, actorOf(identityOf(request)), 'user.created', user.id, {
          username: user.username,
        });
        return user;
      })
      .catch(rethrowUniqueViolation);
    return reply.code(201).send(userView(created));
  });

  serve(app, 'patch', '/api/users/{id}', async (request) => {
    const changed = await app.db
      .transaction(async (trx) => {
        const user = await localUser(trx, request.params.id);
        const username = request.body.username ?? user.username;
        const email = request.body.email ?? user.email;
        await refuseCollision(trx, username, email, user.id);
        const columns = Object.fromEntries(
          Object.entries(request.body).map(([field, value]) => [patchColumns[field], value]),
        );
        const updated = await updateUser(trx, user.id, columns);
        await recordAudit(trx, actorOf(identityOf(request)), 'user.updated', user.id, {
          fields: Object.keys(request.body),
        });
        return updated;
      })
      .catch(rethrowUniqueViolation);
    return userView(changed);
  });

  serve(app, 'delete', '/api/users/{id}', async (request, reply) => {
    await app.db.transaction(async (trx) => {
      const user = await localUser(trx, request.params.id);
      await deleteUser(trx, user.id);
      await recordAudit(trx, actorOf(identityOf(request)), 'user.deleted', user.id, {
        username: user.username,
      });
    });
    return reply.code(204).send();
  });
}
