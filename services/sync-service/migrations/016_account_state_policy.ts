import type { Knex } from 'knex';

export const name = '016_account_state_policy';

/**
 * The sync policy's `accountState` is `sync` for a new installation (its default), but an installation that
 * existed before it keeps what it had: accountEnabled ignored. An installation counts as existing when it has
 * stored a sync policy, configured a connection, or imported a user; it gets `accountState: ignore` stored.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    update sync_policy set policy = policy || '{"accountState": "ignore"}'::jsonb
    where policy -> 'accountState' is null`);
  await knex.raw(`
    insert into sync_policy (id, policy)
    select 1, '{"accountState": "ignore"}'::jsonb
    where not exists (select 1 from sync_policy)
      and (exists (select 1 from azure_ad_connection) or exists (select 1 from users where source = 'azure_ad'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`update sync_policy set policy = policy - 'accountState'`);
}
