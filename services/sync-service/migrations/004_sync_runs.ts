import type { Knex } from 'knex';

export const name = '004_sync_runs';

/**
 * Sync runs and their per-user items. At most one run is active (queued or running) across every process
 * sharing the database: a unique partial index enforces it, and the heartbeat tells a live run from one
 * whose process died.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sync_runs (
      id uuid primary key default gen_random_uuid(),
      status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'blocked', 'interrupted')),
      trigger text not null default 'manual',
      dry_run boolean not null default false,
      confirm_deletions boolean not null default false,
      selection jsonb not null,
      selected_count integer not null default 0,
      requested_by jsonb not null,
      processed integer not null default 0,
      total integer not null default 0,
      modified integer not null default 0,
      deleted integer not null default 0,
      duplicated integer not null default 0,
      unchanged integer not null default 0,
      failed integer not null default 0,
      blocked jsonb,
      error text,
      confirmed_run_id uuid,
      tenant_id text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      heartbeat_at timestamptz not null default now()
    )`);
  await knex.raw(
    "create unique index sync_runs_one_active on sync_runs ((true)) where status in ('queued', 'running')",
  );
  await knex.raw('create index sync_runs_by_created on sync_runs (created_at desc, id desc)');
  await knex.raw(`
    create table sync_run_items (
      id bigserial primary key,
      run_id uuid not null references sync_runs(id) on delete cascade,
      user_id uuid not null,
      object_id text not null,
      username text not null,
      email text not null,
      outcome text not null check (outcome in ('modified', 'deleted', 'duplicated', 'unchanged', 'failed')),
      changes jsonb not null default '[]',
      duplicate_of jsonb,
      failure jsonb,
      last_state jsonb
    )`);
  await knex.raw('create index sync_run_items_by_run on sync_run_items (run_id, outcome, id)');
  await knex.raw('create index sync_run_items_by_run_id on sync_run_items (run_id, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_run_items');
  await knex.raw('drop table if exists sync_runs');
}
