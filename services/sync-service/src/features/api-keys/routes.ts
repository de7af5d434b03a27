import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { Problem } from '../../infra/http/problem';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { apiKeyView, createApiKey, listApiKeys, revokeApiKey } from './repository';

export async function apiKeyRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/api-keys', async () => ({ items: (await listApiKeys(app.db)).map(apiKeyView) }));

  serve(app, 'post', '/api/api-keys', async (request, reply) => {
    const identity = identityOf(request);
    const created = await app.db.transaction(async (trx) => {
      const result = await createApiKey(trx, request.body.name, request.body.scopes, identity.id);
      await recordAudit(trx, actorOf(identity), 'api_key.created', result.apiKey.id, {
        name: result.apiKey.name,
        scopes: result.apiKey.scopes,
      });
      return result;
    });
    return reply.code(201).send({ apiKey: apiKeyView(created.apiKey), key: created.key });
  });

  serve(app, 'delete', '/api/api-keys/{id}', async (request, reply) => {
    const identity = identityOf(request);
    await app.db.transaction(async (trx) => {
      const revoked = await revokeApiKey(trx, request.params.id);
      if (!revoked) throw Problem.notFound('This API key');
      await recordAudit(trx, actorOf(identity), 'api_key.revoked', revoked.id, { name: revoked.name });
    });
    return reply.code(204).send();
  });
}
