import type { Knex } from 'knex';

export const name = '012_partial_runs';

const statuses = (list: string[]) => list.map((status) => `'${status}'`).join(', ');
const before = ['queued', 'running', 'succeeded', 'failed', 'blocked', 'interrupted'];

/**
 * A run that went through its users but could not decide some of them ends `partial`, not `succeeded`; the
 * most common reason among its failed users is kept with the run (`main_failure`: code, message, count), so
 * the history and the notifications name it without reading every item.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_runs drop constraint if exists sync_runs_status_check');
  await knex.raw(
    `alter table sync_runs add constraint sync_runs_status_check check (status in (${statuses([...before, 'partial'])}))`,
  );
  await knex.raw('alter table sync_runs add column main_failure jsonb');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table sync_runs drop column main_failure');
  await knex.raw("update sync_runs set status = 'succeeded' where status = 'partial'");
  await knex.raw('alter table sync_runs drop constraint if exists sync_runs_status_check');
  await knex.raw(
    `alter table sync_runs add constraint sync_runs_status_check check (status in (${statuses(before)}))`,
  );
}
