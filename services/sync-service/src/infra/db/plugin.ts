import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { Database } from './database';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    db: Knex;
  }
}

/** Shares the open database with the routes and closes it when the app closes. */
export const databasePlugin = fp(
  async (app: FastifyInstance, { database }: { database: Database }) => {
    app.decorate('database', database);
    app.decorate('db', database.knex);
    app.addHook('onClose', async () => database.close());
  },
  { name: 'database' },
);
