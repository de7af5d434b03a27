import type { Knex } from 'knex';

export const name = '023_group_sync';

/**
 * Runs that synchronize imported groups: the memberships a run added and removed and the users it created
 * for new members are counted on the run, and each group's outcome is an item of its own (a group item
 * names a group and its member changes, not a user).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table sync_runs
      add column members_added integer not null default 0,
      add column members_removed integer not null default 0,
      add column users_created integer not null default 0`);
  await knex.raw(`
    create table sync_run_group_items (
      id bigserial primary key,
      run_id uuid not null references sync_runs(id) on delete cascade,
      group_id uuid not null,
      object_id text not null,
      name text not null,
      outcome text not null check (outcome in ('modified', 'deleted', 'duplicated', 'unchanged', 'failed')),
      changes jsonb not null default '[]',
      members jsonb not null,
      duplicate_of jsonb,
      failure jsonb,
      applied boolean not null
    )`);
  await knex.raw('create index sync_run_group_items_by_run on sync_run_group_items (run_id, outcome, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_run_group_items');
  await knex.raw(`
    alter table sync_runs
      drop column if exists members_added,
      drop column if exists members_removed,
      drop column if exists users_created`);
}
