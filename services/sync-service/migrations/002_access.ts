import type { Knex } from 'knex';

export const name = '002_access';

/** Administrators, their sessions, API keys for other platform components, and the audit trail. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table administrators (
      id uuid primary key default gen_random_uuid(),
      username text not null,
      password_hash text not null,
      created_at timestamptz not null default now()
    )`);
  await knex.raw('create unique index administrators_username_unique on administrators (lower(username))');
  await knex.raw(`
    create table sessions (
      id uuid primary key default gen_random_uuid(),
      token_hash text not null unique,
      administrator_id uuid not null references administrators(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`);
  await knex.raw(`
    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      scopes jsonb not null,
      created_by uuid references administrators(id) on delete set null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`);
  await knex.raw(`
    create table audit_events (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor jsonb not null,
      action text not null,
      target text,
      details jsonb not null default '{}'
    )`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_events', 'api_keys', 'sessions', 'administrators']) {
    await knex.raw(`drop table if exists ${table}`);
  }
}
