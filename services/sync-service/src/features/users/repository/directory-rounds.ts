import type { Queryable } from '../../../infra/db/queryable';
import { profileColumnNames, profileColumns, type UserProfile } from '../profile-fields';

/**
 * The set-based statements a whole-directory (delta) round runs against `users`: each stages, in one
 * statement, the imported users a page names into the round's table `sync_run_directory_users` (migration
 * 006), whose other queries are in sync/users/directory-round-repository.ts.
 */

/** A round: the run it belongs to and the tenant whose imported users it meets. */
interface DirectoryRound {
  runId: string;
  tenantId: string;
}

/**
 * Stages as candidates the imported users the round announced as removed (by lower-case object id; directory
 * users never imported are not staged). A user already judged from an earlier page becomes a candidate too.
 */
export async function stageRemovedUsersAsCandidates(
  db: Queryable,
  round: DirectoryRound,
  objectIds: string[],
): Promise<void> {
  if (objectIds.length === 0) return;
  await db.raw(
    `insert into sync_run_directory_users (run_id, user_id, state)
     select ?, u.id, 'candidate' from users u
     where u.tenant_id = ? and u.source = 'azure_ad' and u.object_id = any(?::text[])
     on conflict (run_id, user_id) do update set state = 'candidate'`,
    [round.runId, round.tenantId, objectIds],
  );
}

/** A user as a delta page carries it: its (lower-case) object id, mapped profile and state under the policy. */
export interface PageUser {
  objectId: string;
  profile: UserProfile;
  /** Enabled, disabled, or unknown under the policy's `accountState` (see enabledUpstream). */
  enabled: boolean | null;
}

/**
 * Stages as judged the page's users that are imported users of the tenant, not yet met in the round, and
 * equal to what the page carries: every profile field the same, and no change of state (not disabled
 * upstream while active here, not enabled upstream while deactivated by sync). Answers their ids and object
 * ids. Their stamps are not touched here: stamping rewrites a row and two index entries a user, the larger
 * part of this statement's cost when it did both, and a stamp can land beside the next page (SyncedStamps).
 */
export async function stageUnchangedPageUsers(
  db: Queryable,
  round: DirectoryRound,
  users: ReadonlyArray<PageUser>,
): Promise<Array<{ userId: string; objectId: string }>> {
  if (users.length === 0) return [];
  const page = JSON.stringify(
    users.map((user) => ({
      object_id: user.objectId,
      ...profileColumns(user.profile),
      enabled: user.enabled,
    })),
  );
  const equal = profileColumnNames.map((column) => `u.${column} is not distinct from p.${column}`);
  const result = await db.raw(
    `with page as (
       select * from jsonb_to_recordset(?::jsonb)
         as p(object_id text, ${profileColumnNames.map((column) => `${column} text`).join(', ')}, enabled boolean)
     ),
     unchanged as (
       select u.id from page p
       join users u on u.tenant_id = ? and u.source = 'azure_ad' and u.object_id = p.object_id
       where ${equal.join(' and ')}
         and not (p.enabled is false and u.is_active)
         and not (p.enabled is true and u.deactivated_by_sync and not u.is_active)
     ),
     marked as (
       insert into sync_run_directory_users (run_id, user_id, state)
       select ?, id, 'decided' from unchanged
       on conflict (run_id, user_id) do nothing
       returning user_id
     )
     select m.user_id, u.object_id from marked m join users u on u.id = m.user_id`,
    [page, round.tenantId, round.runId],
  );
  return (result.rows as Array<{ user_id: string; object_id: string }>).map((row) => ({
    userId: row.user_id,
    objectId: row.object_id,
  }));
}
