import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';

/** Every query on `group_members` (migration 017): who belongs to which group. */

/** The ids of a group's members, as a subquery (the users' listing pages them). */
export function memberIdsOf(db: Queryable, groupId: string): Knex.QueryBuilder {
  return db('group_members').select('user_id').where({ group_id: groupId });
}

/** Adds users to a group; those already in it are left as they are. Returns the ids newly added. */
export async function addMembers(db: Queryable, groupId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const added: Array<{ user_id: string }> = await db('group_members')
    .insert(userIds.map((userId) => ({ group_id: groupId, user_id: userId })))
    .onConflict(['group_id', 'user_id'])
    .ignore()
    .returning('user_id');
  return added.map((row) => row.user_id);
}

/** Removes one member; false when the user was not in the group. */
export async function removeMember(db: Queryable, groupId: string, userId: string): Promise<boolean> {
  const removed = await db('group_members').where({ group_id: groupId, user_id: userId }).delete();
  return removed > 0;
}

/** Removes these users from a group (the users stay); returns how many memberships went. */
export async function removeMembers(db: Queryable, groupId: string, userIds: string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  return db('group_members')
    .where({ group_id: groupId })
    .whereRaw('user_id = any(?::uuid[])', [userIds])
    .delete();
}

export interface StoredMemberRow {
  group_id: string;
  user_id: string;
  object_id: string | null;
  username: string;
  email: string;
}

/**
 * The members of these groups with what a sync compares and reports of them; with `objectIds`, only the
 * members among those object ids (a delta round's changes name a few members of a large group).
 */
export async function membersOfGroups(
  db: Queryable,
  groupIds: string[],
  objectIds?: string[],
): Promise<StoredMemberRow[]> {
  if (groupIds.length === 0 || objectIds?.length === 0) return [];
  return db('group_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .whereRaw('m.group_id = any(?::uuid[])', [groupIds])
    .modify((query) => {
      if (objectIds) query.whereRaw('u.object_id = any(?::text[])', [objectIds]);
    })
    .orderBy(['m.group_id', 'u.id'])
    .select('m.group_id', 'm.user_id', 'u.object_id', 'u.username', 'u.email');
}

/** How many members these groups hold, together. */
export async function countMembersOfGroups(db: Queryable, groupIds: string[]): Promise<number> {
  if (groupIds.length === 0) return 0;
  const row = await db('group_members')
    .whereRaw('group_id = any(?::uuid[])', [groupIds])
    .count<{ count: string | number }[]>({ count: '*' })
    .first();
  return Number(row?.count ?? 0);
}
