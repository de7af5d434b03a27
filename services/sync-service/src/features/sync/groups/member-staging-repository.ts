import type { Queryable } from '../../../infra/db/queryable';
import type { UpstreamMember } from './outcomes';

/**
 * Every query on `sync_run_group_member_staging` (migration 027): the members of a group of several member
 * pages, staged page by page while a run reads them, then compared with the group's members here in the
 * database.
 */

/** One page of a group's members, in one statement; a member listed twice is staged once. */
export async function stageMemberPage(
  db: Queryable,
  runId: string,
  groupId: string,
  members: UpstreamMember[],
): Promise<void> {
  if (members.length === 0) return;
  await db.raw(
    `insert into sync_run_group_member_staging (run_id, group_id, object_id, member)
     select ?, ?, lower(entry->>'objectId'), entry from jsonb_array_elements(?::jsonb) as entry
     on conflict do nothing`,
    [runId, groupId, JSON.stringify(members)],
  );
}

/**
 * What a group's complete member list, staged, changes here: the staged members not members here yet
 * (`members`), and the object ids of the members here it lacks (`absent`), compared without case. Only for a
 * group whose every page was staged.
 */
export async function stagedMemberChanges(
  db: Queryable,
  runId: string,
  groupId: string,
): Promise<{ members: UpstreamMember[]; absent: string[] }> {
  const newcomers: Array<{ member: UpstreamMember }> = await db('sync_run_group_member_staging as s')
    .where({ 's.run_id': runId, 's.group_id': groupId })
    .whereNotExists(
      db('group_members as m')
        .join('users as u', 'u.id', 'm.user_id')
        .where('m.group_id', groupId)
        .whereRaw('lower(u.object_id) = s.object_id'),
    )
    .orderBy('s.object_id')
    .select('s.member');
  const absent: Array<{ object_id: string }> = await db('group_members as m')
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
  return { members: newcomers.map((row) => row.member), absent: absent.map((row) => row.object_id) };
}

/** Drops the staged members of these groups (all of the run's without `groupIds`). */
export async function dropStagedMembers(db: Queryable, runId: string, groupIds?: string[]): Promise<void> {
  if (groupIds?.length === 0) return;
  await db('sync_run_group_member_staging')
    .where({ run_id: runId })
    .modify((query) => {
      if (groupIds) query.whereRaw('group_id = any(?::uuid[])', [groupIds]);
    })
    .delete();
}

/** Drops what runs that ended staged (an interrupted run's leftovers). */
export async function forgetStagedMembers(db: Queryable, runIds: string[]): Promise<void> {
  await db('sync_run_group_member_staging').whereIn('run_id', runIds).delete();
}
