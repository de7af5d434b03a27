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

/** How many members these groups hold, together. */
export async function countMembersOfGroups(db: Queryable, groupIds: string[]): Promise<number> {
  if (groupIds.length === 0) return 0;
  const row = await db('group_members')
    .whereRaw('group_id = any(?::uuid[])', [groupIds])
    .count<{ count: string | number }[]>({ count: '*' })
    .first();
  return Number(row?.count ?? 0);
}
