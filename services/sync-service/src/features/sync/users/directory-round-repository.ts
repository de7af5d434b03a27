import type { Queryable } from '../../../infra/db/queryable';
import { importedUsersAsU, importedUsersByObjectIds } from '../../users/repository';
import type { DeltaPass } from '../runs/run-repository';
import { nextChunk, type SelectedUser, toSelectedUser } from './selection';

/**
 * Migration 006: the imported users a run's delta round has met, staged in the database. The statements that
 * stage a page's users straight from `users` are the users' repository's (`directory-rounds.ts`).
 */
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
