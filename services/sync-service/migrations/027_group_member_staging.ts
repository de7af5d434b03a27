import type { Knex } from 'knex';

export const name = '027_group_member_staging';

/**
 * The members of a group whose member list spans several pages, staged page by page as a run reads them, so
 * the service holds one page of a group of 100,000 members, not all of them. Once every page has answered,
 * the group's member changes are found set-based against `group_members` (the members Azure AD lacks here,
 * the members here Azure AD no longer has); then its rows go. A read that failed on any page drops them
 * unused: nobody is removed on a partial read. `object_id` is lower-cased (object ids compare without case);
 * `member` is the member as a sync can add it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sync_run_group_member_staging (
      run_id uuid not null references sync_runs(id) on delete cascade,
      group_id uuid not null,
      object_id text not null,
      member jsonb not null,
      primary key (run_id, group_id, object_id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_run_group_member_staging');
}
