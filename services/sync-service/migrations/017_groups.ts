import type { Knex } from 'knex';

export const name = '017_groups';

/**
 * Groups of the reporting server and their members. A group is local (managed through the API) or imported
 * from an Azure AD tenant (its object id, managed by import and sync). Names are unique among all groups,
 * case-insensitively, as usernames are: Azure AD allows two groups one name, the reporting server does not,
 * so an import or sync that would bring a second one calls it a duplicate.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table groups (
      id uuid primary key default gen_random_uuid(),
      name text not null check (name <> ''),
      description text,
      source text not null check (source in ('local', 'azure_ad')),
      object_id text,
      tenant_id text,
      last_synced_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((source = 'azure_ad') = (object_id is not null and tenant_id is not null))
    )`);
  await knex.raw('create unique index groups_name_unique on groups (lower(name))');
  await knex.raw(
    "create unique index groups_imported_object on groups (tenant_id, object_id) where source = 'azure_ad'",
  );
  await knex.raw('create index groups_by_source_name on groups (source, lower(name), id)');
  await knex.raw(`
    create table group_members (
      group_id uuid not null references groups (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      added_at timestamptz not null default now(),
      primary key (group_id, user_id)
    )`);
  // Deleting a user (by hand or by sync) removes its memberships through this index.
  await knex.raw('create index group_members_by_user on group_members (user_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists group_members');
  await knex.raw('drop table if exists groups');
}
