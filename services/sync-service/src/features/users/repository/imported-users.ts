import type { Knex } from 'knex';
import { contains } from '../../../infra/db/contains';
import type { Queryable } from '../../../infra/db/queryable';
import { profileColumns, type UserProfile } from '../profile-fields';
import type { UserRow } from '../user';
import { insertedUserColumns } from './columns';

/** The imported users of a tenant (`source = 'azure_ad'`): how import inserts them and how others find them. */

/** A tenant id, or a subquery that yields one (the configured tenant, read in the same statement). */
export type TenantRef = string | Knex.QueryBuilder;

/** The imported users of one tenant matching a search: the base of listing and of "sync all matching". */
export function importedUsersMatching(
  db: Queryable,
  tenantId: TenantRef,
  search?: string,
): Knex.QueryBuilder {
  // The source is written into the text, not bound: a prepared page's generic plan then knows which source
  // it reads (planned for "source = $n", one user in two where the table holds both sources, it looked
  // dearer than the plan for 'azure_ad', and each run was planned again).
  return db('users')
    .where('users.tenant_id', tenantId)
    .whereRaw("users.source = 'azure_ad'")
    .modify((builder) => {
      if (search) builder.whereRaw(...contains('search_text', search));
    });
}

/**
 * How many users of a tenant are imported: the counter the statement-level triggers keep (migrations 001, 032),
 * one row to read.
 */
export function importedCount(db: Queryable, tenantId: TenantRef): Knex.QueryBuilder {
  return db('tenant_user_counts').select('imported_count').where('tenant_id', tenantId);
}

/**
 * The revision of a tenant's imported users as text: renewed by every statement that changes what a search
 * or a sort by name may see of them (migration 031).
 */
export function importedRevision(db: Queryable, tenantId: TenantRef): Knex.QueryBuilder {
  return db('tenant_user_counts').select(db.raw('revision::text')).where('tenant_id', tenantId);
}

/** The number `importedCount` reads. */
export async function countImported(db: Queryable, tenantId: string): Promise<number> {
  const row: { imported_count: number } | undefined = await importedCount(db, tenantId).first();
  return Number(row?.imported_count ?? 0);
}

/** The imported users of the tenant among these user ids. */
export function importedUsersByIds(db: Queryable, tenantId: string, userIds: string[]): Knex.QueryBuilder {
  return db('users')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .whereRaw('id = any(?::uuid[])', [userIds]);
}

/**
 * The imported users of the tenant, named `u`, for queries that combine them with a run's staged users
 * (migration 006).
 */
export function importedUsersAsU(db: Queryable, tenantId: string): Knex.QueryBuilder {
  return db('users as u').where({ 'u.tenant_id': tenantId, 'u.source': 'azure_ad' });
}

/** The imported users of the tenant among these object ids; directory users never imported are not here. */
export async function importedUsersByObjectIds(
  db: Queryable,
  tenantId: string,
  objectIds: string[],
): Promise<Array<{ id: string; object_id: string; username: string; email: string }>> {
  if (objectIds.length === 0) return [];
  return db('users')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .whereRaw('object_id = any(?::text[])', [objectIds])
    .select('id', 'object_id', 'username', 'email');
}

/**
 * Inserts imported users of a tenant. A user whose email or username a concurrent request has taken since
 * the caller checked is skipped, not refused: the caller finds it absent from the rows returned.
 */
export async function insertImportedUsers(
  db: Queryable,
  tenantId: string,
  users: ReadonlyArray<{ objectId: string; profile: UserProfile; disabled?: boolean }>,
): Promise<UserRow[]> {
  if (users.length === 0) return [];
  return db('users')
    .insert(
      users.map(({ objectId, profile, disabled }) => ({
        ...profileColumns(profile),
        // Disabled in Azure AD under `accountState: sync`: inactive, and marked so sync reactivates it.
        is_active: !disabled,
        deactivated_by_sync: disabled === true,
        source: 'azure_ad',
        object_id: objectId,
        tenant_id: tenantId,
      })),
    )
    .onConflict()
    .ignore()
    .returning(insertedUserColumns(db));
}
