import type { Knex } from 'knex';

export const name = '006_directory_delta';

/**
 * Whole-directory sync with Graph's delta query.
 * - `directory_delta_links`: per tenant, the deltaLink of the last round a run completed; the next run reads
 *   only what changed since. Written in the transaction that ends the run, so a link never runs ahead of
 *   what was applied.
 * - `sync_run_directory_users`: per run, the imported users the round has met. `decided`: read and judged
 *   from a delta page (a replay later in the round is skipped); `candidate`: announced as removed, to be
 *   confirmed by id. A full pass takes every imported user of the tenant without a `decided` row as a
 *   candidate: marking in the database keeps memory flat whatever the tenant's size.
 * - `users.deactivated_by_sync`: a user deactivated because it disappeared upstream (policy `deactivate`),
 *   reactivated by sync when it comes back. Any other change of `is_active` (an administrator's) clears the
 *   marker, so sync never reactivates a user someone deactivated for another reason.
 * - Items record what a deletion did (`action`), runs the kind of delta pass they made.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table directory_delta_links (
      tenant_id text primary key,
      delta_link text not null,
      updated_at timestamptz not null default now()
    )`);
  await knex.raw(`
    create table sync_run_directory_users (
      run_id uuid not null references sync_runs(id) on delete cascade,
      user_id uuid not null,
      state text not null check (state in ('decided', 'candidate')),
      primary key (run_id, user_id)
    )`);
  await knex.raw(
    'create index sync_run_directory_candidates on sync_run_directory_users (run_id, state, user_id)',
  );
  await knex.raw('alter table users add column deactivated_by_sync boolean not null default false');
  await knex.raw(`
    create function clear_sync_deactivation() returns trigger language plpgsql as $$
    begin
      if new.is_active is distinct from old.is_active
         and new.deactivated_by_sync is not distinct from old.deactivated_by_sync then
        new.deactivated_by_sync := false;
      end if;
      return new;
    end $$`);
  await knex.raw(`
    create trigger users_clear_sync_deactivation
      before update of is_active on users
      for each row execute function clear_sync_deactivation()`);
  await knex.raw(
    "alter table sync_run_items add column action text check (action in ('deleted', 'deactivated'))",
  );
  await knex.raw("alter table sync_runs add column pass text check (pass in ('full', 'incremental'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_runs drop column if exists pass');
  await knex.raw('alter table sync_run_items drop column if exists action');
  await knex.raw('drop trigger if exists users_clear_sync_deactivation on users');
  await knex.raw('drop function if exists clear_sync_deactivation()');
  await knex.raw('alter table users drop column if exists deactivated_by_sync');
  await knex.raw('drop table if exists sync_run_directory_users');
  await knex.raw('drop table if exists directory_delta_links');
}
