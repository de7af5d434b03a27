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

/** Memberships as a group sync writes them, many groups at once. */
export interface Membership {
  groupId: string;
  userId: string;
}

/** Adds these memberships in one statement (those already there are left as they are). */
export async function addMemberships(db: Queryable, memberships: Membership[]): Promise<void> {
  if (memberships.length === 0) return;
  await db.raw(
    `insert into group_members (group_id, user_id)
     select * from unnest(?::uuid[], ?::uuid[]) on conflict (group_id, user_id) do nothing`,
    [memberships.map((row) => row.groupId), memberships.map((row) => row.userId)],
  );
}

/** Removes these memberships in one statement (the users stay). */
export async function removeMemberships(db: Queryable, memberships: Membership[]): Promise<void> {
  if (memberships.length === 0) return;
  await db.raw(
    `delete from group_members m using unnest(?::uuid[], ?::uuid[]) as gone (group_id, user_id)
     where m.group_id = gone.group_id and m.user_id = gone.user_id`,
    [memberships.map((row) => row.groupId), memberships.map((row) => row.userId)],
  );
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
