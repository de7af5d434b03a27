import type { Knex } from 'knex';

export const name = '025_group_sync_staging';

/**
 * Groups a run read whose sync would remove members (or delete the group), staged until the deletion
 * threshold has judged the whole run. The rest of each chunk is written as it is read, so a run of thousands
 * of groups holds one chunk in memory and its progress moves during the read. `upstream` is what the group's
 * sync needs of Azure AD's complete answer: its name and description, the members it lacked here, and the
 * members here Azure AD no longer has (or Graph's 404 for the group); `removals` is what the threshold counts.
 * Rows go in the transaction that resolves them, and with their run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sync_run_group_staging (
      run_id uuid not null references sync_runs(id) on delete cascade,
      group_id uuid not null,
      object_id text not null,
      removals integer not null,
      upstream jsonb not null,
      primary key (run_id, group_id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_run_group_staging');
}
