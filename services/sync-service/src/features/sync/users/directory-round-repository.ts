import type { Queryable } from '../../../infra/db/queryable';
import { profileColumnNames, profileColumns } from '../../users/profile-fields';
import { importedUsersAsU, importedUsersByObjectIds } from '../../users/repository';
import type { UserProfile } from '../../users/user';
import type { DeltaPass } from '../runs/run-repository';
import { nextChunk, type SelectedUser, toSelectedUser } from './selection';

/** Migration 006: the imported users a run's delta round has met, staged in the database. */
const roundUsers = 'sync_run_directory_users';

/** The imported users of the tenant among these object ids; directory users never imported are not here. */
export async function importedByObjectIds(
  db: Queryable,
  tenantId: string,
  objectIds: string[],
): Promise<SelectedUser[]> {
  return (await importedUsersByObjectIds(db, tenantId, objectIds)).map(toSelectedUser);
}

/**
 * Marks users as read and judged in this round. Returns those not met before (`fresh`), and those judged
 * earlier in the round (`replayed`): Graph serves a user again when it changed while the round's pages were
 * followed, and the round's deltaLink will not report that change again, so the replay must be judged too.
 * Users announced as removed earlier in the round are in neither: their confirmation by id reads the truth.
 */
export async function markDecided(
  db: Queryable,
  runId: string,
  userIds: string[],
): Promise<{ fresh: Set<string>; replayed: Set<string> }> {
  if (userIds.length === 0) return { fresh: new Set(), replayed: new Set() };
  // The select sees the table as it was before the insert: a row it finds was marked by an earlier page.
  const result = await db.raw(
    `with marked as (
       insert into ${roundUsers} (run_id, user_id, state)
       select ?, user_id, 'decided' from unnest(?::uuid[]) as wanted(user_id)
       on conflict (run_id, user_id) do nothing
       returning user_id
     )
     select user_id, true as fresh from marked
     union all
     select user_id, false from ${roundUsers}
     where run_id = ? and user_id = any(?::uuid[]) and state = 'decided'`,
    [runId, userIds, runId, userIds],
  );
  const rows = result.rows as Array<{ user_id: string; fresh: boolean }>;
  return {
    fresh: new Set(rows.filter((row) => row.fresh).map((row) => row.user_id)),
    replayed: new Set(rows.filter((row) => !row.fresh).map((row) => row.user_id)),
  };
}

/**
 * Users the round announced as removed (by lower-case object id; directory users never imported are not
 * marked): confirmed by id once the round is read. A user already judged from an earlier page becomes a
 * candidate too: a deletion must never be lost to a replay.
 */
export async function markCandidates(
  db: Queryable,
  round: { runId: string; tenantId: string },
  objectIds: string[],
): Promise<void> {
  if (objectIds.length === 0) return;
  await db.raw(
    `insert into ${roundUsers} (run_id, user_id, state)
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
 * Of a page's users, marks as judged those that are imported users of the tenant, not yet met in this round,
 * and equal to what the page carries: every profile field the same, and no change of state (not disabled
 * upstream while active here, not enabled upstream while deactivated by sync). They are `unchanged` whatever
 * else the run holds, so one statement judges them all; `stamp` stamps them as synchronized now in the same
 * statement. Answers their object ids: the caller judges the page's other users one by one.
 */
export async function markUnchanged(
  db: Queryable,
  round: { runId: string; tenantId: string },
  users: ReadonlyArray<PageUser>,
  stamp: boolean,
): Promise<string[]> {
  if (users.length === 0) return [];
  const page = JSON.stringify(
    users.map((user) => ({
      object_id: user.objectId,
      ...profileColumns(user.profile),
      enabled: user.enabled,
    })),
  );
  const equal = profileColumnNames.map((column) => `u.${column} is not distinct from p.${column}`);
  const stamped = stamp
    ? `, stamped as (
         update user_sync_stamps set synced_at = now() where user_id in (select user_id from marked)
       )`
    : '';
  const result = await db.raw(
    `with page as (
       select * from jsonb_to_recordset(?::jsonb)
         as p(object_id text, ${profileColumnNames.map((column) => `${column} text`).join(', ')}, enabled boolean)
     ),
     unchanged as (
       select u.id, u.object_id from page p
       join users u on u.tenant_id = ? and u.source = 'azure_ad' and u.object_id = p.object_id
       where ${equal.join(' and ')}
         and not (p.enabled is false and u.is_active)
         and not (p.enabled is true and u.deactivated_by_sync and not u.is_active)
     ),
     marked as (
       insert into ${roundUsers} (run_id, user_id, state)
       select ?, id, 'decided' from unchanged
       on conflict (run_id, user_id) do nothing
       returning user_id
     )${stamped}
     select object_id from unchanged where id in (select user_id from marked)`,
    [page, round.tenantId, round.runId],
  );
  return (result.rows as Array<{ object_id: string }>).map((row) => row.object_id);
}

/**
 * Refreshes the planner's statistics of the round's table once a round is read. It grew by a row per user in
 * minutes, faster than autovacuum looks; planned on the counts of an empty table, the anti-join that finds the
 * users a full round never met compares every imported user with every row (hours at a million).
 */
export async function analyzeRound(db: Queryable): Promise<void> {
  await db.raw(`analyze ${roundUsers}`);
}

/**
 * The next users a round left to be confirmed by id, by keyset on the user id. Incremental pass: the users it
 * announced as removed. Full pass: the imported users of the tenant the enumeration did not judge (absent
 * from it, or announced as removed).
 */
export function unconfirmedChunk(
  db: Queryable,
  round: { runId: string; tenantId: string; pass: DeltaPass },
  afterUserId: string | null,
  size: number,
): Promise<SelectedUser[]> {
  const { runId, tenantId } = round;
  if (round.pass === 'incremental') {
    const candidates = importedUsersAsU(db, tenantId)
      .join(`${roundUsers} as round`, 'round.user_id', 'u.id')
      .where({ 'round.run_id': runId, 'round.state': 'candidate' });
    return nextChunk(candidates, { id: 'round.user_id', objectId: 'u.object_id' }, afterUserId, size);
  }
  const unjudged = importedUsersAsU(db, tenantId).whereNotExists(
    db(roundUsers)
      .whereRaw(`${roundUsers}.user_id = u.id`)
      .where({ [`${roundUsers}.run_id`]: runId, [`${roundUsers}.state`]: 'decided' }),
  );
  return nextChunk(unjudged, { id: 'u.id', objectId: 'u.object_id' }, afterUserId, size);
}
