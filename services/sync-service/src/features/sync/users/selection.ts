import type { Knex } from 'knex';
import type { Queryable } from '../../../infra/db/queryable';
import { importedUsersByIds, importedUsersMatching } from '../../users/repository';
import type { UserSelection } from '../runs/run-repository';

/**
 * The selected users that a run synchronizes: only imported users of the tenant configured when the run
 * started. Ids in a `userIds` selection that are not such users (local users, users of a previously
 * configured tenant, users deleted meanwhile) are left out, not refused: the selection was made on a list
 * that may be a moment old, and refusing the whole run for one stale id helps nobody. The run reports how
 * many users it actually selected next to how many ids were asked for. A `wholeDirectory` selection is every
 * imported user of the tenant, though a delta pass reads only those the directory reports (see delta-pass.ts).
 */
export function selectedUsers(db: Queryable, tenantId: string, selection: UserSelection): Knex.QueryBuilder {
  if (selection.kind === 'allMatching')
    return importedUsersMatching(db, tenantId, selection.search || undefined);
  if (selection.kind === 'wholeDirectory') return importedUsersMatching(db, tenantId, undefined);
  return importedUsersByIds(db, tenantId, selection.userIds);
}

export async function countSelected(
  db: Queryable,
  tenantId: string,
  selection: UserSelection,
): Promise<number> {
  const row = await selectedUsers(db, tenantId, selection).count<{ count: number }[]>({ count: '*' }).first();
  return Number(row?.count ?? 0);
}

export interface SelectedUser {
  id: string;
  objectId: string;
}

export const toSelectedUser = (row: { id: string; object_id: string }): SelectedUser => ({
  id: row.id,
  objectId: row.object_id,
});

/**
 * The next `size` users of `query` after `afterUserId`, by keyset on the user id (`columns.id`, as the query
 * names it): memory stays one chunk whatever the selection.
 */
export async function nextChunk(
  query: Knex.QueryBuilder,
  columns: { id: string; objectId: string },
  afterUserId: string | null,
  size: number,
): Promise<SelectedUser[]> {
  const rows: Array<{ id: string; object_id: string }> = await query
    .modify((builder) => {
      if (afterUserId) builder.where(columns.id, '>', afterUserId);
    })
    .orderBy(columns.id)
    .limit(size)
    .select({ id: columns.id, object_id: columns.objectId });
  return rows.map(toSelectedUser);
}

/** One chunk of the selection. */
export function selectedChunk(
  db: Queryable,
  tenantId: string,
  selection: UserSelection,
  afterUserId: string | null,
  size: number,
): Promise<SelectedUser[]> {
  return nextChunk(
    selectedUsers(db, tenantId, selection),
    { id: 'id', objectId: 'object_id' },
    afterUserId,
    size,
  );
}
