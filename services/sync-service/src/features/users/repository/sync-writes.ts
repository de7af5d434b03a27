import type { Queryable } from '../../../infra/db/queryable';
import { profileColumnNames, profileColumns, type UserProfile } from '../profile-fields';
import type { KeyHolder, UserRow } from '../user';
import { userColumns } from './columns';

/** What a sync run's chunk reads and writes of its users, inside the chunk's transaction. */

/** A user row with what only sync reads: whether sync deactivated it (migration 006). */
export type SyncableUserRow = UserRow & { deactivated_by_sync: boolean };

/**
 * Locks the imported users of a chunk for the chunk's transaction and reads them as they are now, so the
 * "before" of every change is the truth at the moment of writing. Users gone or moved to another tenant
 * since the chunk was read are simply absent.
 */
export async function lockImportedUsers(
  db: Queryable,
  tenantId: string,
  userIds: string[],
): Promise<SyncableUserRow[]> {
  if (userIds.length === 0) return [];
  // By primary key alone: with the tenant in the condition, a planner without fresh statistics (right
  // after a bulk import) may walk every user of the tenant to find these few thousand.
  const rows: SyncableUserRow[] = await db('users')
    .select([...userColumns(db), 'deactivated_by_sync'])
    .whereRaw('id = any(?::uuid[])', [userIds])
    .orderBy('id')
    .forUpdate();
  return rows.filter((row) => row.source === 'azure_ad' && row.tenant_id === tenantId);
}

export type WantedKeys = ReadonlyArray<{ email: string; username: string }>;

/** The distinct emails and usernames wanted, lower-cased as the unique indexes compare them. */
export function lowerCaseKeys(wanted: WantedKeys): { emails: string[]; usernames: string[] } {
  return {
    emails: [...new Set(wanted.map((profile) => profile.email.toLowerCase()))],
    usernames: [...new Set(wanted.map((profile) => profile.username.toLowerCase()))],
  };
}

/** Every user holding one of these emails or usernames (case-insensitively), in one query. */
export async function findKeyHolders(
  db: Queryable,
  tenantId: string,
  wanted: WantedKeys,
): Promise<KeyHolder[]> {
  if (wanted.length === 0) return [];
  const { emails, usernames } = lowerCaseKeys(wanted);
  const rows: Array<{
    id: string;
    username: string;
    email: string;
    source: string;
    tenant_id: string | null;
  }> = await db('users')
    .select('id', 'username', 'email', 'source', 'tenant_id')
    .whereRaw('lower(email) = any(?)', [emails])
    .orWhereRaw('lower(username) = any(?)', [usernames]);
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    email: row.email,
    mayMove: row.source === 'azure_ad' && row.tenant_id === tenantId,
  }));
}

/** A string no real email or username can be: used to park a key during an exchange. */
const parkedKey = "chr(1) || 'sync-parked:' || u.id::text";

/**
 * Writes new profiles in two multi-row statements. The unique indexes on lower(email) and lower(username)
 * are checked row by row and cannot be deferred, so a batch where two users exchange an email would trip
 * them half-way; first every changing email/username is parked on a value unique to its row, then all
 * are set to their final values. Both happen in the caller's transaction, so nobody sees the parked values.
 */
export async function writeProfiles(
  db: Queryable,
  updates: ReadonlyArray<{ userId: string; profile: UserProfile }>,
): Promise<void> {
  if (updates.length === 0) return;
  const values = JSON.stringify(
    updates.map(({ userId, profile }) => ({ id: userId, ...profileColumns(profile) })),
  );
  const target = `jsonb_to_recordset(?::jsonb) as v(id uuid, ${profileColumnNames.map((column) => `${column} text`).join(', ')})`;
  await db.raw(
    `update users as u set
       email = case when lower(u.email) <> lower(v.email) then ${parkedKey} else u.email end,
       username = case when lower(u.username) <> lower(v.username) then ${parkedKey} else u.username end
     from ${target}
     where u.id = v.id and (lower(u.email) <> lower(v.email) or lower(u.username) <> lower(v.username))`,
    [values],
  );
  await db.raw(
    `update users as u set
       ${profileColumnNames.map((column) => `${column} = v.${column}`).join(', ')}, updated_at = now()
     from ${target}
     where u.id = v.id`,
    [values],
  );
  await markSynced(
    db,
    updates.map((update) => update.userId),
  );
}

/**
 * Stamps users as synchronized now (migration 008). Users found equal to Azure AD are stamped beside the
 * chunk's transaction, overlapping the next chunk: the stamp changes no profile field, and a process killed
 * in between leaves an older lastSyncedAt on some unchanged users, nothing else.
 */
export async function markSynced(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('user_sync_stamps')
    .whereRaw('user_id = any(?::uuid[])', [userIds])
    .update({ synced_at: db.fn.now() });
}

export async function deleteUsers(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('users').whereRaw('id = any(?::uuid[])', [userIds]).delete();
}

/**
 * Policy `deactivate` (gone upstream) or `accountState: sync` (disabled upstream): the user stays, inactive,
 * marked so that sync may reactivate it when it comes back or is enabled again.
 */
export async function deactivateUsers(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('users')
    .whereRaw('id = any(?::uuid[])', [userIds])
    .update({ is_active: false, deactivated_by_sync: true, updated_at: db.fn.now() });
}

/** Users sync had deactivated, found upstream again (restored within Azure AD's 30 days) or enabled again. */
export async function reactivateUsers(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('users')
    .whereRaw('id = any(?::uuid[])', [userIds])
    .where({ deactivated_by_sync: true })
    .update({ is_active: true, deactivated_by_sync: false, updated_at: db.fn.now() });
}
