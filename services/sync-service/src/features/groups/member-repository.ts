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
