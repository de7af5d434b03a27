import type { Knex } from 'knex';

export const name = '009_dry_run_keys';

/**
 * A dry run changes no user, yet later chunks must be judged as if its earlier decisions had been written:
 * a user may take an email that another user of the run gives up, or that a user deleted upstream frees.
 * The email and username each such user would end with (null: the user would be deleted) are kept here for
 * the rest of the run, looked up by key as the users table is, and dropped when the run ends.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sync_run_planned_keys (
      run_id uuid not null references sync_runs(id) on delete cascade,
      user_id uuid not null,
      username text,
      email text,
      primary key (run_id, user_id)
    )`);
  await knex.raw(
    'create index sync_run_planned_keys_by_email on sync_run_planned_keys (run_id, lower(email))',
  );
  await knex.raw(
    'create index sync_run_planned_keys_by_username on sync_run_planned_keys (run_id, lower(username))',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_run_planned_keys');
}
