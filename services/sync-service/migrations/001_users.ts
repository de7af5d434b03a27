import type { Knex } from 'knex';

export const name = '001_users';

/**
 * The reporting server's user store. Username and email are unique among ALL users, case-insensitively.
 * `search_text` backs the case-insensitive "contains" search with a trigram index; the per-tenant count
 * table keeps the imported-users total exact without a count(*) per request.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw(`
    create table users (
      id uuid primary key default gen_random_uuid(),
      username text not null,
      first_name text not null default '',
      last_name text not null default '',
      email text not null,
      contact_number text,
      is_active boolean not null default true,
      source text not null check (source in ('local', 'azure_ad')),
      object_id text,
      tenant_id text,
      last_synced_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search_text text generated always as (
        lower(username || ' ' || first_name || ' ' || last_name || ' ' || email)
      ) stored,
      check ((source = 'azure_ad') = (object_id is not null and tenant_id is not null))
    )`);
  await knex.raw('create unique index users_username_unique on users (lower(username))');
  await knex.raw('create unique index users_email_unique on users (lower(email))');
  await knex.raw(
    "create unique index users_imported_object on users (tenant_id, object_id) where source = 'azure_ad'",
  );
  await knex.raw('create index users_search_trgm on users using gin (search_text gin_trgm_ops)');
  for (const [column, expression] of [
    ['username', 'lower(username)'],
    ['first_name', 'lower(first_name)'],
    ['last_name', 'lower(last_name)'],
    ['email', 'lower(email)'],
    ['last_synced_at', 'last_synced_at'],
  ]) {
    await knex.raw(
      `create index users_imported_by_${column} on users (tenant_id, ${expression}, id) where source = 'azure_ad'`,
    );
  }
  await knex.raw('create index users_by_source_username on users (source, lower(username), id)');

  await knex.raw(`
    create table tenant_user_counts (
      tenant_id text primary key,
      imported_count bigint not null default 0
    )`);
  await countImportedUsersByRow(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists tenant_user_counts');
  await knex.raw('drop table if exists users');
  await knex.raw('drop function if exists count_imported_users()');
}

/**
 * The count of each tenant's imported users, kept by a trigger for each row written; since migration 032 the
 * statement-level triggers of migration 031 keep it, and this is what 032's `down` brings back.
 */
export async function countImportedUsersByRow(knex: Knex): Promise<void> {
  await knex.raw(`
    create function count_imported_users() returns trigger language plpgsql as $$
    begin
      if (tg_op = 'INSERT' or tg_op = 'UPDATE') and new.source = 'azure_ad' then
        insert into tenant_user_counts as c (tenant_id, imported_count) values (new.tenant_id, 1)
          on conflict (tenant_id) do update set imported_count = c.imported_count + 1;
      end if;
      if (tg_op = 'DELETE' or tg_op = 'UPDATE') and old.source = 'azure_ad' then
        update tenant_user_counts set imported_count = imported_count - 1 where tenant_id = old.tenant_id;
      end if;
      return null;
    end $$`);
  await knex.raw(`
    create trigger users_count_imported
      after insert or delete or update of source, tenant_id on users
      for each row execute function count_imported_users()`);
}
