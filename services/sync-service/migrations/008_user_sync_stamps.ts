import type { Knex } from 'knex';

export const name = '008_user_sync_stamps';

/**
 * When each imported user was last synchronized, in a narrow table of its own. A run stamps every user it
 * reads, most of them unchanged; as a column of `users` each stamp rewrote the whole row and all twelve of
 * its indexes (the trigram one included), which made stamping the bulk of a run's database work. Here a
 * stamp touches a 40-byte row and two small indexes.
 * Every imported user has a stamp from the moment it is inserted (the trigger), so a listing may join it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table user_sync_stamps (
      user_id uuid primary key references users(id) on delete cascade,
      synced_at timestamptz not null
    )`);
  await knex.raw(`
    insert into user_sync_stamps (user_id, synced_at)
    select id, coalesce(last_synced_at, created_at) from users where source = 'azure_ad'`);
  await knex.raw('create index user_sync_stamps_by_synced_at on user_sync_stamps (synced_at, user_id)');
  await knex.raw(`
    create function stamp_imported_user() returns trigger language plpgsql as $$
    begin
      insert into user_sync_stamps (user_id, synced_at) values (new.id, now());
      return null;
    end $$`);
  await knex.raw(`
    create trigger users_stamp_imported
      after insert on users
      for each row when (new.source = 'azure_ad') execute function stamp_imported_user()`);
  await knex.raw('drop index users_imported_by_last_synced_at');
  await knex.raw('alter table users drop column last_synced_at');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table users add column last_synced_at timestamptz');
  await knex.raw(`
    update users set last_synced_at = s.synced_at from user_sync_stamps s where s.user_id = users.id`);
  await knex.raw(`
    create index users_imported_by_last_synced_at on users (tenant_id, last_synced_at, id)
    where source = 'azure_ad'`);
  await knex.raw('drop trigger users_stamp_imported on users');
  await knex.raw('drop function stamp_imported_user()');
  await knex.raw('drop table user_sync_stamps');
}
