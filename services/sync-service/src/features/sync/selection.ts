import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import { importedUsersMatching } from '../imported-users/listing';
import type { StoredSelection } from './run-repository';

/**
 * The selected users that a run synchronizes: only imported users of the tenant configured when the run
 * started. Ids in a `userIds` selection that are not such users (local users, users of a previously
 * configured tenant, users deleted meanwhile) are left out, not refused: the selection was made on a list
 * that may be a moment old, and refusing the whole run for one stale id helps nobody. The run reports how
 * many users it actually selected next to how many ids were asked for. A `wholeDirectory` selection is every
 * imported user of the tenant, though a delta pass reads only those the directory reports (see delta-pass.ts).
 */
export function selectedUsers(
  db: Queryable,
  tenantId: string,
  selection: StoredSelection,
): Knex.QueryBuilder {
  if (selection.kind === 'allMatching')
    return importedUsersMatching(db, tenantId, selection.search || undefined);
  if (selection.kind === 'wholeDirectory') return importedUsersMatching(db, tenantId, undefined);
  return db('users')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .whereRaw('id = any(?::uuid[])', [selection.userIds]);
}

export async function countSelected(
  db: Queryable,
  tenantId: string,
  selection: StoredSelection,
): Promise<number> {
  const row = await selectedUsers(db, tenantId, selection).count<{ count: number }[]>({ count: '*' }).first();
  return Number(row?.count ?? 0);
}

export interface SelectedUser {
  id: string;
  objectId: string;
}

/** One chunk of the selection by keyset on the user id: memory stays one chunk whatever the selection. */
export async function selectedChunk(
  db: Queryable,
  tenantId: string,
  selection: StoredSelection,
  afterUserId: string | null,
  size: number,
): Promise<SelectedUser[]> {
  const rows: Array<{ id: string; object_id: string }> = await selectedUsers(db, tenantId, selection)
    .modify((builder) => {
      if (afterUserId) builder.where('id', '>', afterUserId);
    })
    .orderBy('id')
    .limit(size)
    .select('id', 'object_id');
  return rows.map((row) => ({ id: row.id, objectId: row.object_id }));
}
