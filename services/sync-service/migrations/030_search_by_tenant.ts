import type { Knex } from 'knex';

export const name = '030_search_by_tenant';

/**
 * The users' trigram index also holds their tenant (`btree_gin` lets a GIN index hold a plain column beside
 * the trigrams), so that a search of the configured tenant's imported users reads that tenant's matches only.
 * The index on search_text alone held every tenant's users: with a former tenant's users still in the
 * database, a search read and rechecked theirs too (5,047 of 10,045 rows for a search with 4,998 matches in
 * docs/performance.md). A search without a tenant (all users) is served by the same index: a GIN index on
 * several columns answers a condition on any of them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists btree_gin');
  await knex.raw(
    'create index users_search_by_tenant on users using gin (tenant_id, search_text gin_trgm_ops)',
  );
  await knex.raw('drop index users_search_trgm');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index users_search_trgm on users using gin (search_text gin_trgm_ops)');
  await knex.raw('drop index users_search_by_tenant');
}
