import type { Knex } from 'knex';
import { countImportedUsersByRow } from './001_users';
import { renewRevisionsByStatement } from './031_listing_revisions';

export const name = '032_counts_by_statement';

/**
 * The count of each tenant's imported users (migration 001) is kept by the statement-level triggers of
 * migration 031, with the revision, instead of by a trigger for each row: a statement that adds, removes or
 * moves many users writes each tenant's counter row once, not once a user. The trigger for each row wrote
 * that one row 100,000 times for an import of 100,000 users, leaving as many dead versions of it until
 * vacuum came; every page of a listing reads the count, and its read walked them meanwhile (155 buffers
 * instead of 4).
 *
 * One upsert per statement and tenant adds the statement's net change to the count and renews the
 * revision; a tenant is named only when the statement changed something a search or a sort can see of its
 * users, so a count that changes always comes with a new revision. A TRUNCATE, which the trigger for each
 * row never saw, now sets every count to 0. The counts are read again from the users once here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop trigger users_count_imported on users');
  await knex.raw('drop function count_imported_users()');
  await knex.raw(`
    create function count_imported_user_changes(tenants text[], deltas bigint[]) returns void
    language sql as $$
      insert into tenant_user_counts as c (tenant_id, imported_count)
        select tenant, sum(delta) from unnest(tenants, deltas) as change(tenant, delta)
        where tenant is not null
        group by tenant order by tenant
      on conflict (tenant_id) do update
        set imported_count = c.imported_count + excluded.imported_count,
            revision = nextval('imported_user_revisions')
    $$`);
  await knex.raw(`
    create or replace function imported_users_changed() returns trigger language plpgsql as $$
    declare
      tenants text[];
      deltas bigint[];
    begin
      if tg_op = 'TRUNCATE' then
        update tenant_user_counts set imported_count = 0, revision = nextval('imported_user_revisions');
        return null;
      elsif tg_op = 'INSERT' then
        select array_agg(tenant_id), array_agg(added) into tenants, deltas
        from (select tenant_id, count(*) as added from new_rows where source = 'azure_ad' group by tenant_id) as t;
      elsif tg_op = 'DELETE' then
        select array_agg(tenant_id), array_agg(-removed) into tenants, deltas
        from (select tenant_id, count(*) as removed from old_rows where source = 'azure_ad' group by tenant_id) as t;
      else
        -- A changed user leaves its old tenant's imported users and joins its new one's: the two sides of a
        -- rename in place cancel out in the count and still renew the revision.
        select array_agg(tenant), array_agg(delta) into tenants, deltas
        from (
          select side.tenant, sum(side.delta) as delta
          from old_rows as o
            join new_rows as n on n.id = o.id
            cross join lateral (values
              (case when o.source = 'azure_ad' then o.tenant_id end, -1),
              (case when n.source = 'azure_ad' then n.tenant_id end, 1)) as side(tenant, delta)
          where side.tenant is not null
            and (o.tenant_id, o.source, o.username, o.first_name, o.last_name, o.email)
              is distinct from (n.tenant_id, n.source, n.username, n.first_name, n.last_name, n.email)
          group by side.tenant) as t;
      end if;
      perform count_imported_user_changes(tenants, deltas);
      return null;
    end $$`);
  await knex.raw('drop function renew_imported_user_revisions(text[])');
  await knex.raw(`
    insert into tenant_user_counts as c (tenant_id, imported_count)
      select tenant_id, count(*) from users where source = 'azure_ad' group by tenant_id
    on conflict (tenant_id) do update set imported_count = excluded.imported_count`);
  await knex.raw(`
    update tenant_user_counts as c set imported_count = 0
    where not exists (select from users where source = 'azure_ad' and tenant_id = c.tenant_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await renewRevisionsByStatement(knex);
  await knex.raw('drop function count_imported_user_changes(text[], bigint[])');
  await countImportedUsersByRow(knex);
}
