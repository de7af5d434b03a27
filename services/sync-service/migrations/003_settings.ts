import type { Knex } from 'knex';

export const name = '003_settings';

/** Singleton settings: the Azure AD connection (secret encrypted) and the sync policy. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table azure_ad_connection (
      id smallint primary key default 1 check (id = 1),
      tenant_id text not null,
      client_id text not null,
      client_secret_encrypted text,
      authority_host text not null,
      graph_base_url text not null,
      mapping jsonb not null,
      updated_at timestamptz not null default now()
    )`);
  await knex.raw(`
    create table sync_policy (
      id smallint primary key default 1 check (id = 1),
      policy jsonb not null,
      updated_at timestamptz not null default now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_policy');
  await knex.raw('drop table if exists azure_ad_connection');
}
