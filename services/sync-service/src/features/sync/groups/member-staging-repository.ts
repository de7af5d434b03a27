import type { Queryable } from '../../../infra/db/queryable';
import { membersHereNotStaged, stagedMembersNotMembersHere } from '../../users/repository';
import type { UpstreamMember } from './outcomes';

/**
 * Every query on `sync_run_group_member_staging` (migration 027): the members of a group of several member
 * pages, staged page by page while a run reads them, then compared with the group's members here in the
 * database (that comparison joins `users`, so its two statements are the users' repository's).
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
  const members = await stagedMembersNotMembersHere<UpstreamMember>(db, runId, groupId);
  return { members, absent: await membersHereNotStaged(db, runId, groupId) };
}

/** Drops the staged members of these groups (the run's end drops the rest, with its other staging). */
export async function dropStagedMembers(db: Queryable, runId: string, groupIds: string[]): Promise<void> {
  if (groupIds.length === 0) return;
  await db('sync_run_group_member_staging')
    .where({ run_id: runId })
    .whereRaw('group_id = any(?::uuid[])', [groupIds])
    .delete();
}
