import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { readAgainOnce } from './connection-loss';
import type { Database } from './database';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    db: Knex;
  }
}

const readMethods = new Set(['GET', 'HEAD']);

/**
 * A read whose connection dropped under it is answered from a new connection: the handler runs once more
 * (Knex has thrown the broken connection out of its pool). A read writes nothing, so running it twice is
 * safe; writes are not repeated, and their lost connection is answered 503 with Retry-After.
 */
function retryReadOnce(handler: RouteHandlerMethod): RouteHandlerMethod {
  return function retrying(this: FastifyInstance, request, reply) {
    let tries = 0;
    return readAgainOnce(async () => {
      tries += 1;
      if (tries > 1) {
        // A reply already on its way (a stream) cannot be answered again.
        if (reply.sent) throw new Error('The database connection was lost while the reply was being sent.');
        request.log.warn('database connection lost during a read; reading again on a new connection');
      }
      return handler.call(this, request, reply);
    });
  };
}

/** Shares the open database with the routes and closes it when the app closes. */
export const databasePlugin = fp(
  async (app: FastifyInstance, { database }: { database: Database }) => {
    app.decorate('database', database);
    app.decorate('db', database.knex);
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      if (methods.every((method) => readMethods.has(method))) route.handler = retryReadOnce(route.handler);
    });
    app.addHook('onClose', async () => database.close());
  },
  { name: 'database' },
);
