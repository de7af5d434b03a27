import { isoText } from '../../../infra/db/iso-timestamps';
import type { Queryable } from '../../../infra/db/queryable';
import { profileColumnNames } from '../profile-fields';

/** The columns a user is read with, and the search pattern every listing of users shares. */

/** The columns of the `users` table. */
export const tableColumns = [
  'id',
  ...profileColumnNames,
  'is_active',
  'source',
  'object_id',
  'tenant_id',
  'created_at',
  'updated_at',
];

/** When a user of `users` was last synchronized (migration 008). */
export const stampOfUser = '(select synced_at from user_sync_stamps where user_id = users.id)';

/** A user as read from `users`: its columns, and when it was last synchronized. */
export function userColumns(db: Queryable) {
  return [...tableColumns, db.raw(`${stampOfUser} as last_synced_at`)];
}

/**
 * A user as a listing reads it, its timestamps already as the API writes them (`isoText`); its stamp is
 * `stamp`, the joined `user_sync_stamps.synced_at` or `stampOfUser`.
 */
export function listedUserColumns(db: Queryable, stamp: string) {
  const timestamps: Record<string, string> = {
    created_at: 'users.created_at',
    updated_at: 'users.updated_at',
    last_synced_at: stamp,
  };
  return [
    ...tableColumns.filter((column) => !(column in timestamps)).map((column) => `users.${column}`),
    ...Object.entries(timestamps).map(([alias, expression]) => db.raw(`${isoText(expression)} as ${alias}`)),
  ];
}

/**
 * A user as returned by the insert that created it: an imported user is stamped by the insert itself
 * (a trigger running at the end of the statement, so after RETURNING), at the transaction's time.
 */
export function insertedUserColumns(db: Queryable) {
  return [...tableColumns, db.raw("case when source = 'azure_ad' then now() end as last_synced_at")];
}
