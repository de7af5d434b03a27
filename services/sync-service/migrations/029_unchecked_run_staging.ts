import type { Knex } from 'knex';

export const name = '029_unchecked_run_staging';

/**
 * The tables a run stages in while it runs lose their foreign key to `sync_runs`. Every staged row was checked
 * against the run's row, one trigger call each: for a full directory round, which stages a row per user and
 * per membership, that check cost more than the insert itself (46 ms of a 999-user page's 210). Staging never
 * outlives its run: the run's end and the interruption of a run that stopped beating both drop it
 * (forgetRunStaging), and retention deletes ended runs only; the cascade had nothing left to do.
 * The index on (run_id, state, user_id) of the round's users goes too: the primary key (run_id, user_id)
 * serves the lookups of a run's rows, and each index an insert keeps costs the round a write per user.
 */
const stagingTables = [
  'sync_run_pending',
  'sync_run_directory_users',
  'sync_run_group_staging',
  'sync_run_group_member_staging',
  'sync_run_round_members',
  'sync_run_round_groups',
  'sync_run_round_nesting',
  'sync_run_round_seen',
];

export async function up(knex: Knex): Promise<void> {
  for (const table of stagingTables)
    await knex.raw(`alter table ${table} drop constraint if exists ${table}_run_id_fkey`);
  await knex.raw('drop index if exists sync_run_directory_candidates');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'create index sync_run_directory_candidates on sync_run_directory_users (run_id, state, user_id)',
  );
  for (const table of stagingTables) {
    await knex.raw(`delete from ${table} where run_id not in (select id from sync_runs)`);
    await knex.raw(
      `alter table ${table} add constraint ${table}_run_id_fkey foreign key (run_id) references sync_runs(id) on delete cascade`,
    );
  }
}
