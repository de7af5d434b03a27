import type { Knex } from 'knex';
import type { Queryable } from '../../../infra/db/queryable';

/**
 * A group's members with their user fields (`group_members`, see groups/member-repository.ts): what a group
 * sync reads and compares with what the directory lists.
 */

export interface StoredMemberRow {
  group_id: string;
  user_id: string;
  object_id: string | null;
  username: string;
  email: string;
}

/**
 * The users who are members of these groups (`group_members`, see groups/member-repository.ts), with what a
 * group sync compares and reports of them.
 */
export async function membersOfGroups(db: Queryable, groupIds: string[]): Promise<StoredMemberRow[]> {
  if (groupIds.length === 0) return [];
  return db('group_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .whereRaw('m.group_id = any(?::uuid[])', [groupIds])
    .orderBy(['m.group_id', 'u.id'])
    .select('m.group_id', 'm.user_id', 'u.object_id', 'u.username', 'u.email');
}

/**
 * The same, of only the tenant's imported users among `objectIds` (as stored): the few members a sync may
 * remove or add of groups that hold many. Found from the users' side, by the tenant's object id index and
 * the memberships' primary key, so a group's other members are not read.
 */
export async function namedMembersOfGroups(
  db: Queryable,
  tenantId: string,
  groupIds: string[],
  objectIds: string[],
): Promise<StoredMemberRow[]> {
  if (groupIds.length === 0 || objectIds.length === 0) return [];
  return db('users as u')
    .join('group_members as m', 'm.user_id', 'u.id')
    .where({ 'u.tenant_id': tenantId, 'u.source': 'azure_ad' })
    .whereRaw('u.object_id = any(?::text[])', [objectIds])
    .whereRaw('m.group_id = any(?::uuid[])', [groupIds])
    .orderBy(['m.group_id', 'u.id'])
    .select('m.group_id', 'm.user_id', 'u.object_id', 'u.username', 'u.email');
}

/**
 * The object ids of the members of these groups, one row a group (a JSON list, parsed natively): what a
 * group read whole is compared with before anything else of its members is read. Members without an object
 * id (local users) are left out: they were never Azure AD's to remove.
 */
export async function memberObjectIdsOfGroups(
  db: Queryable,
  groupIds: string[],
): Promise<Array<{ group_id: string; object_ids: string[] }>> {
  if (groupIds.length === 0) return [];
  return db('group_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .whereRaw('m.group_id = any(?::uuid[])', [groupIds])
    .whereNotNull('u.object_id')
    .groupBy('m.group_id')
    .select('m.group_id', db.raw('json_agg(u.object_id) as object_ids'));
}

/**
 * The memberships of the groups of `metGroupIds` (a subquery of group ids) that a `/groups/delta` round
 * removes, as `gm` joined to `u`: members a group's member list lacks (full pass: the round listed every
 * member of the groups it met) or members the round announced as removed (incremental pass), read from the
 * round's `sync_run_round_members` (migration 018).
 */
export function membershipsRemovedByRound(
  db: Queryable,
  round: { runId: string; pass: 'full' | 'incremental' },
  metGroupIds: Knex.QueryBuilder,
): Knex.QueryBuilder {
  const memberships = db('group_members as gm')
    .join('users as u', 'u.id', 'gm.user_id')
    .whereIn('gm.group_id', metGroupIds)
    .whereNotNull('u.object_id');
  const staged = (removed: boolean) =>
    db('sync_run_round_members as s')
      .whereRaw('s.run_id = ? and s.group_id = gm.group_id and s.member_id = u.object_id', [round.runId])
      .where('s.removed', removed);
  return round.pass === 'full'
    ? memberships.whereNotExists(staged(false))
    : memberships.whereExists(staged(true));
}

/** The members a `/groups/delta` round listed in these groups that are not members here yet, by group. */
export function roundMembersNotMembersHere(
  db: Queryable,
  runId: string,
  groupIds: string[],
): Promise<Array<{ group_id: string; member_id: string }>> {
  return db('sync_run_round_members as s')
    .where({ 's.run_id': runId, 's.removed': false })
    .whereRaw('s.group_id = any(?::uuid[])', [groupIds])
    .whereNotExists(
      db('group_members as gm')
        .join('users as u', 'u.id', 'gm.user_id')
        .whereRaw('gm.group_id = s.group_id and u.object_id = s.member_id'),
    )
    .orderBy(['s.group_id', 's.member_id'])
    .select('s.group_id', 's.member_id');
}

/**
 * The members of a group staged by a run (`sync_run_group_member_staging`, migration 027) that are not
 * members here yet, compared without case, as they were staged.
 */
export async function stagedMembersNotMembersHere<Member>(
  db: Queryable,
  runId: string,
  groupId: string,
): Promise<Member[]> {
  const rows: Array<{ member: Member }> = await db('sync_run_group_member_staging as s')
    .where({ 's.run_id': runId, 's.group_id': groupId })
    .whereNotExists(
      db('group_members as m')
        .join('users as u', 'u.id', 'm.user_id')
        .where('m.group_id', groupId)
        .whereRaw('lower(u.object_id) = s.object_id'),
    )
    .orderBy('s.object_id')
    .select('s.member');
  return rows.map((row) => row.member);
}

/** The object ids of a group's members here that a run did not stage among the group's members. */
export async function membersHereNotStaged(db: Queryable, runId: string, groupId: string): Promise<string[]> {
  const rows: Array<{ object_id: string }> = await db('group_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.group_id', groupId)
    .whereNotNull('u.object_id')
    .whereNotExists(
      db('sync_run_group_member_staging as s')
        .where({ 's.run_id': runId, 's.group_id': groupId })
        .whereRaw('s.object_id = lower(u.object_id)'),
    )
    .orderBy('u.object_id')
    .select('u.object_id');
  return rows.map((row) => row.object_id);
}
