/**
 * Checked by `tsc` (npm run typecheck), not run: each `@ts-expect-error` below fails the type-check the day
 * `serve` stops refusing what the contract does not describe. The first route shows what compiles.
 */
import type { FastifyInstance } from 'fastify';
import { serve } from '../src/infra/contract/serve';

export function routesTheContractRefuses(app: FastifyInstance) {
  serve(app, 'get', '/api/users/{id}', async (request) => {
    const id: string = request.params.id;
    return { ...exampleUser, id };
  });

  // @ts-expect-error a path openapi.yaml lacks
  serve(app, 'get', '/api/people', async () => undefined);

  // @ts-expect-error a method the path does not have
  serve(app, 'put', '/api/users/{id}', async () => undefined);

  // @ts-expect-error a reply that is not the User schema
  serve(app, 'get', '/api/users/{id}', async () => ({ username: 'only-a-name' }));

  serve(app, 'post', '/api/users', async (request, reply) => {
    // @ts-expect-error a body field the schema LocalUserInput does not have
    request.body.password;
    // @ts-expect-error a status the operation does not answer with success (it answers 201)
    return reply.code(200).send(exampleUser);
  });

  serve(app, 'get', '/api/users', async (request) => {
    // A query parameter with a default in the contract is present after validation.
    const limit: number = request.query.limit;
    // @ts-expect-error one without a default may be absent
    const search: string = request.query.search;
    return { items: [], nextCursor: limit > 0 && search ? null : null };
  });
}

const exampleUser = {
  id: '00000000-0000-4000-8000-000000000000',
  username: 'ada',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  contactNumber: null,
  isActive: true,
  source: 'local' as const,
  objectId: null,
  tenantId: null,
  lastSyncedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
