import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import type { AttributeMapping } from '../users/profile-fields';

export interface ConnectionRow {
  tenant_id: string;
  client_id: string;
  client_secret_encrypted: string | null;
  authority_host: string;
  graph_base_url: string;
  mapping: AttributeMapping;
  updated_at: Date;
}

export function findConnection(db: Queryable): Promise<ConnectionRow | undefined> {
  return db('azure_ad_connection').where({ id: 1 }).first();
}

/** The tenant whose imported users the product shows and syncs now. */
export async function configuredTenantId(db: Queryable): Promise<string | null> {
  const row = await db('azure_ad_connection').where({ id: 1 }).first('tenant_id');
  return row?.tenant_id ?? null;
}

/** The tenant configured now, as a subquery: a listing needs no separate round trip to learn it. */
export function configuredTenant(db: Queryable): Knex.QueryBuilder {
  return db('azure_ad_connection').select('tenant_id').where({ id: 1 });
}

export async function saveConnection(
  db: Queryable,
  row: Omit<ConnectionRow, 'updated_at'>,
): Promise<ConnectionRow> {
  const [saved] = await db('azure_ad_connection')
    .insert({ id: 1, ...row, mapping: JSON.stringify(row.mapping) })
    .onConflict('id')
    .merge({ ...row, mapping: JSON.stringify(row.mapping), updated_at: db.fn.now() })
    .returning('*');
  return saved;
}
