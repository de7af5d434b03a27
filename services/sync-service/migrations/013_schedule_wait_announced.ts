import type { Knex } from 'knex';

export const name = '013_schedule_wait_announced';

/**
 * The due time of the occurrence whose wait (a run was in progress) was last logged: every tick of every
 * process retries a waiting occurrence, and only the first to record it here logs the wait.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_schedule add column wait_announced_for timestamptz');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_schedule drop column wait_announced_for');
}
