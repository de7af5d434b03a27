import type { Knex } from 'knex';

export const name = '031_listing_revisions';

/**
 * Each tenant's imported users get a revision (in `tenant_user_counts`, beside their count), renewed by every
 * statement that adds, removes or changes one of them in a column a search reads or a listing sorts by
 * (`search_text` is made of username, first_name, last_name and email; the sorts by name are those four), or
 * that moves a user into or out of the tenant's imported users. A search's matches, read once in the sort's
 * order, serve its next pages and repeats for as long as the revision they were read at is the one a request
 * finds (imported-listing.ts).
 *
 * Revisions come from a sequence, not from a count: a value is never handed out twice, so a revision seen
 * once names one state of the tenant's users, even one a rolled-back transaction saw, or one before a
 * TRUNCATE. The statement-level triggers read the statement's rows (transition tables) and renew each
 * tenant concerned once per statement, tenants in order, so that two writers lock them in the same order.
 * An update that changes none of those columns (an activation, a sync stamp) renews nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create sequence imported_user_revisions');
  await knex.raw(
    "alter table tenant_user_counts add column revision bigint not null default nextval('imported_user_revisions')",
  );
  await renewRevisionsByStatement(knex);
  await knex.raw(`
    create trigger users_inserted_revision after insert on users
      referencing new table as new_rows for each statement execute function imported_users_changed()`);
  await knex.raw(`
    create trigger users_deleted_revision after delete on users
      referencing old table as old_rows for each statement execute function imported_users_changed()`);
  await knex.raw(`
    create trigger users_updated_revision after update on users
      referencing old table as old_rows new table as new_rows
      for each statement execute function imported_users_changed()`);
  await knex.raw(`
    create trigger users_truncated_revision after truncate on users
      for each statement execute function imported_users_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  for (const trigger of ['inserted', 'deleted', 'updated', 'truncated'])
    await knex.raw(`drop trigger users_${trigger}_revision on users`);
  await knex.raw('drop function imported_users_changed()');
  await knex.raw('drop function renew_imported_user_revisions(text[])');
  await knex.raw('alter table tenant_user_counts drop column revision');
  await knex.raw('drop sequence imported_user_revisions');
}

/**
 * The functions the triggers run, as this migration wrote them: migration 032 replaces them with ones that keep
 * the counts too, and its `down` brings these back.
 */
export async function renewRevisionsByStatement(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function renew_imported_user_revisions(tenants text[]) returns void language sql as $$
      insert into tenant_user_counts as c (tenant_id)
        select distinct tenant from unnest(tenants) as tenant where tenant is not null order by tenant
      on conflict (tenant_id) do update set revision = nextval('imported_user_revisions')
    $$`);
  await knex.raw(`
    create or replace function imported_users_changed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        update tenant_user_counts set revision = nextval('imported_user_revisions');
      elsif tg_op = 'INSERT' then
        perform renew_imported_user_revisions(array(
          select distinct tenant_id from new_rows where source = 'azure_ad'));
      elsif tg_op = 'DELETE' then
        perform renew_imported_user_revisions(array(
          select distinct tenant_id from old_rows where source = 'azure_ad'));
      else
        perform renew_imported_user_revisions(array(
          select distinct tenant
          from old_rows as o
            join new_rows as n on n.id = o.id
            cross join lateral (values
              (case when o.source = 'azure_ad' then o.tenant_id end),
              (case when n.source = 'azure_ad' then n.tenant_id end)) as side(tenant)
          where (o.tenant_id, o.source, o.username, o.first_name, o.last_name, o.email)
            is distinct from (n.tenant_id, n.source, n.username, n.first_name, n.last_name, n.email)));
      end if;
      return null;
    end $$`);
}
