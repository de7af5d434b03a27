import type { Knex } from 'knex';

export const name = '018_directory_groups_round';

/**
 * Whole-directory runs cover imported groups with a `/groups/delta` round beside the users' round.
 * - `directory_delta_links` keeps one link per kind of object (`users`, `groups`) per tenant; the existing
 *   links are the users'.
 * - A whole-directory run counts its groups' outcomes apart from its users' (`group_*`), and the members that
 *   are not users (nested groups, devices, contacts), which are ignored (`members_ignored`).
 * - `sync_run_round_groups`: per run, the imported groups the groups round met (`met`) or announced as
 *   removed (`removed`, only a candidate), with the name and description it carried, and how many of its
 *   member entries were nested groups (such a group is read whole when members count transitively).
 * - `sync_run_round_members`: per run and group, the members the round listed or removed, merged across
 *   pages by group id (a large group's members span several pages). Staged here, one statement per page,
 *   so memory stays flat; applied once the round is read.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table directory_delta_links
      add column kind text not null default 'users' check (kind in ('users', 'groups'))`);
  await knex.raw('alter table directory_delta_links drop constraint directory_delta_links_pkey');
  await knex.raw('alter table directory_delta_links add primary key (tenant_id, kind)');
  await knex.raw(`
    alter table sync_runs
      add column group_modified integer not null default 0,
      add column group_deleted integer not null default 0,
      add column group_duplicated integer not null default 0,
      add column group_unchanged integer not null default 0,
      add column group_failed integer not null default 0,
      add column members_ignored integer not null default 0`);
  await knex.raw(`
    create table sync_run_round_groups (
      run_id uuid not null references sync_runs(id) on delete cascade,
      group_id uuid not null,
      state text not null check (state in ('met', 'removed')),
      display_name text,
      description text,
      has_head boolean not null default false,
      members_ignored integer not null default 0,
      members_nested integer not null default 0,
      primary key (run_id, group_id)
    )`);
  await knex.raw(`
    create table sync_run_round_members (
      run_id uuid not null references sync_runs(id) on delete cascade,
      group_id uuid not null,
      member_id text not null,
      removed boolean not null,
      primary key (run_id, group_id, member_id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_run_round_members');
  await knex.raw('drop table if exists sync_run_round_groups');
  await knex.raw(`
    alter table sync_runs
      drop column if exists group_modified,
      drop column if exists group_deleted,
      drop column if exists group_duplicated,
      drop column if exists group_unchanged,
      drop column if exists group_failed,
      drop column if exists members_ignored`);
  await knex.raw("delete from directory_delta_links where kind <> 'users'");
  await knex.raw('alter table directory_delta_links drop constraint directory_delta_links_pkey');
  await knex.raw('alter table directory_delta_links add primary key (tenant_id)');
  await knex.raw('alter table directory_delta_links drop column kind');
}
