import type { Knex } from 'knex';

export const name = '028_group_nesting';

/**
 * Which groups of a tenant hold which groups, as the `/groups/delta` rounds reported it, so that an incremental
 * round finds the imported groups above a group whose members changed (their delta entries do not come: Graph
 * lists a group's direct members only).
 * - `directory_group_nesting`: every group of the tenant (imported or not) that holds a group, kept in step
 *   with the groups' delta link: replaced by a full round, changed by an incremental one, saved in the
 *   transaction that saves the link.
 * - `sync_run_round_nesting`: per run, the nested-group member entries the round listed or removed.
 * - `sync_run_round_seen`: per run, every group the round carried (changed since the link).
 * The stored groups links are dropped, so the next round is full and fills the nesting.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table directory_group_nesting (
      tenant_id text not null,
      group_object_id text not null,
      member_object_id text not null,
      primary key (tenant_id, group_object_id, member_object_id)
    )`);
  await knex.raw(
    'create index directory_group_nesting_by_member on directory_group_nesting (tenant_id, member_object_id)',
  );
  await knex.raw(`
    create table sync_run_round_nesting (
      run_id uuid not null references sync_runs(id) on delete cascade,
      group_object_id text not null,
      member_object_id text not null,
      removed boolean not null,
      primary key (run_id, group_object_id, member_object_id)
    )`);
  await knex.raw(`
    create table sync_run_round_seen (
      run_id uuid not null references sync_runs(id) on delete cascade,
      object_id text not null,
      primary key (run_id, object_id)
    )`);
  await knex.raw("delete from directory_delta_links where kind = 'groups'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_run_round_seen');
  await knex.raw('drop table if exists sync_run_round_nesting');
  await knex.raw('drop table if exists directory_group_nesting');
}
