import type { Knex } from 'knex';

export const name = '005_sync_staging';

/**
 * Work a run defers until it has read its whole selection: deletion candidates (held back so the deletion
 * threshold can judge the run as a whole) and users whose new email or username is held by another imported
 * user that the same run may still move (retried at the end, together). Staged in the database, not in
 * memory, so a run over a million users stays small. `applied` tells an item that changed the user from
 * one that only reports what would happen (dry run, deletions held back by the threshold).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sync_run_pending (
      run_id uuid not null references sync_runs(id) on delete cascade,
      user_id uuid not null,
      reason text not null check (reason in ('deletion', 'collision')),
      target jsonb,
      primary key (run_id, reason, user_id)
    )`);
  await knex.raw('alter table sync_run_items add column applied boolean not null default true');
  // A run walks its selection by keyset on the user id; without this index the walk depends on the
  // planner's statistics, and right after a bulk import it may scan a million rows for every chunk.
  await knex.raw("create index users_imported_by_id on users (tenant_id, id) where source = 'azure_ad'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists users_imported_by_id');
  await knex.raw('alter table sync_run_items drop column if exists applied');
  await knex.raw('drop table if exists sync_run_pending');
}
