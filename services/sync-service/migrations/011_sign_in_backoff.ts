import type { Knex } from 'knex';

export const name = '011_sign_in_backoff';

/**
 * Sign-in attempts per account, in the database so that every replica applies the same back-off. An account
 * is an administrator, or a username that names none (so that an unknown name is treated like a known one);
 * its key is a SHA-256, so a row holds no name. `blocked_until` is when the next attempt is allowed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sign_in_backoff (
      account_key text primary key,
      failures integer not null,
      last_attempt_at timestamptz not null,
      blocked_until timestamptz
    )`);
  await knex.raw('create index sign_in_backoff_by_last_attempt on sign_in_backoff (last_attempt_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table sign_in_backoff');
}
