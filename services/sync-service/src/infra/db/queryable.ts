import type { Knex } from 'knex';

/** The database, or a transaction on it: repository functions accept either. */
export type Queryable = Knex | Knex.Transaction;
