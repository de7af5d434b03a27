import type { Knex } from 'knex';

export const name = '026_runs_covering_groups';

/**
 * Whether a whole-directory run covered groups: its groups' round runs only when the tenant has imported
 * groups, and a run that had none must not report group figures (zeros that read like a round). Runs before
 * this migration covered groups when their round counted anything.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_runs add column covers_groups boolean not null default false');
  await knex.raw(`
    update sync_runs set covers_groups = true
    where selection->>'kind' = 'wholeDirectory'
      and group_modified + group_deleted + group_duplicated + group_unchanged + group_failed
        + members_ignored + members_added + members_removed + users_created > 0`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_runs drop column if exists covers_groups');
}
