import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import type {
  ActiveDirectory as ActiveDirectoryOf,
  DirectoryAccess,
  StoredConnection,
} from '../../infra/directory/access';
import type { AttributeMapping } from '../users/profile-fields';

/** The one stored Azure AD connection, with the attribute mapping of its users. */
export type ConnectionRow = StoredConnection<AttributeMapping>;

/** The configured tenant, opened by `app.directoryAccess` (infra/directory/access.ts) from this row. */
export type ActiveDirectory = ActiveDirectoryOf<AttributeMapping>;

declare module 'fastify' {
  interface FastifyInstance {
    directoryAccess: DirectoryAccess<AttributeMapping>;
  }
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
