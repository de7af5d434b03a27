import type { Knex } from 'knex';

export const name = '021_listing_by_tenant';

/**
 * The imported users' listing reads one tenant's users, while the users of a tenant configured before stay in
 * the database. Sorting by last sync walked the index of every tenant's stamps and dropped the other tenants'
 * users after joining them; each stamp now carries its user's tenant (set by the trigger that creates it, and
 * kept if a user's tenant is ever changed), and the stamps' index starts with it. Stamping still touches a
 * narrow row and two indexes: this one replaces the one on (synced_at, user_id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table user_sync_stamps add column tenant_id text');
  await knex.raw(`
    update user_sync_stamps s set tenant_id = u.tenant_id from users u where u.id = s.user_id`);
  await knex.raw('alter table user_sync_stamps alter column tenant_id set not null');
  await knex.raw('drop index user_sync_stamps_by_synced_at');
  await knex.raw(
    'create index user_sync_stamps_by_tenant on user_sync_stamps (tenant_id, synced_at, user_id)',
  );
  await knex.raw(`
    create or replace function stamp_imported_user() returns trigger language plpgsql as $$
    begin
      insert into user_sync_stamps (user_id, tenant_id, synced_at) values (new.id, new.tenant_id, now());
      return null;
    end $$`);
  await knex.raw(`
    create function move_user_sync_stamp() returns trigger language plpgsql as $$
    begin
      update user_sync_stamps set tenant_id = new.tenant_id where user_id = new.id;
      return null;
    end $$`);
  await knex.raw(`
    create trigger users_move_sync_stamp
      after update of tenant_id on users
      for each row when (new.source = 'azure_ad' and old.tenant_id is distinct from new.tenant_id)
      execute function move_user_sync_stamp()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger users_move_sync_stamp on users');
  await knex.raw('drop function move_user_sync_stamp()');
  await knex.raw(`
    create or replace function stamp_imported_user() returns trigger language plpgsql as $$
    begin
      insert into user_sync_stamps (user_id, synced_at) values (new.id, now());
      return null;
    end $$`);
  await knex.raw('drop index user_sync_stamps_by_tenant');
  await knex.raw('create index user_sync_stamps_by_synced_at on user_sync_stamps (synced_at, user_id)');
  await knex.raw('alter table user_sync_stamps drop column tenant_id');
}
