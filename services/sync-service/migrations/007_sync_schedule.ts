import type { Knex } from 'knex';

export const name = '007_sync_schedule';

/**
 * The one schedule of whole-directory syncs. A single row (id 1) so every process sharing the database
 * claims a due run with one conditional update of it: the row lock lets exactly one of them move
 * `next_run_at` forward. `revision` changes with every edit, so a claim computed from an older edit fails.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sync_schedule (
      id integer primary key check (id = 1),
      enabled boolean not null default false,
      interval_minutes integer,
      cron text,
      timezone text,
      webhook_url text,
      notify_emails jsonb not null default '[]',
      next_run_at timestamptz,
      last_run_id uuid,
      last_run_at timestamptz,
      revision integer not null default 0,
      updated_at timestamptz not null default now(),
      check (interval_minutes is null or cron is null)
    )`);
  await knex.raw('insert into sync_schedule (id) values (1)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_schedule');
}
