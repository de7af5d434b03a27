import type { Knex } from 'knex';

export const name = '014_run_commit_marks';

/**
 * The mark of the last chunk a run committed. When the connection drops while the server commits a chunk,
 * the run cannot tell from the error whether the chunk landed; it reads this mark on a new connection and
 * commits the chunk again only if its mark is not there, so no chunk is counted twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_runs add column last_commit uuid');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_runs drop column last_commit');
}
