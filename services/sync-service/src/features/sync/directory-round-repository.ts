import type { Queryable } from '../../infra/db/queryable';
import { nextChunk, type SelectedUser, toSelectedUser } from './selection';

/** Migration 006: the imported users a run's delta round has met, staged in the database. */
const roundUsers = 'sync_run_directory_users';

/** The imported users of the tenant among these object ids; directory users never imported are not here. */
export async function importedByObjectIds(
  db: Queryable,
  tenantId: string,
  objectIds: string[],
): Promise<SelectedUser[]> {
  if (objectIds.length === 0) return [];
  const rows: Array<{ id: string; object_id: string }> = await db('users')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .whereRaw('object_id = any(?::text[])', [objectIds])
    .select('id', 'object_id');
  return rows.map(toSelectedUser);
}

/**
 * Marks users as read and judged in this round; returns those not met before. A replay (the same user again,
 * later in the round) is skipped: the round's deltaLink reports a change made during the round again.
 */
export async function markDecided(db: Queryable, runId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const result = await db.raw(
    `insert into ${roundUsers} (run_id, user_id, state)
     select ?, user_id, 'decided' from unnest(?::uuid[]) as marked(user_id)
     on conflict (run_id, user_id) do nothing
     returning user_id`,
    [runId, userIds],
  );
  return new Set((result.rows as Array<{ user_id: string }>).map((row) => row.user_id));
}

/**
 * Users the round announced as removed: confirmed by id once the round is read. A user already judged from
 * an earlier page becomes a candidate too: a deletion must never be lost to a replay.
 */
export async function markCandidates(db: Queryable, runId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.raw(
    `insert into ${roundUsers} (run_id, user_id, state)
     select ?, user_id, 'candidate' from unnest(?::uuid[]) as marked(user_id)
     on conflict (run_id, user_id) do update set state = 'candidate'`,
    [runId, userIds],
  );
}

/** Incremental pass: the next announced removals, by keyset on the user id. */
export function candidateChunk(
  db: Queryable,
  runId: string,
  tenantId: string,
  afterUserId: string | null,
  size: number,
): Promise<SelectedUser[]> {
  const candidates = db(`${roundUsers} as round`).join('users as u', 'u.id', 'round.user_id').where({
    'round.run_id': runId,
    'round.state': 'candidate',
    'u.tenant_id': tenantId,
    'u.source': 'azure_ad',
  });
  return nextChunk(candidates, { id: 'round.user_id', objectId: 'u.object_id' }, afterUserId, size);
}

/**
 * Full pass: the next imported users of the tenant the enumeration did not judge (absent from it, or
 * announced as removed), by keyset on the user id.
 */
export function unjudgedChunk(
  db: Queryable,
  runId: string,
  tenantId: string,
  afterUserId: string | null,
  size: number,
): Promise<SelectedUser[]> {
  const unjudged = db('users as u')
    .where({ 'u.tenant_id': tenantId, 'u.source': 'azure_ad' })
    .whereNotExists(
      db(roundUsers)
        .whereRaw(`${roundUsers}.user_id = u.id`)
        .where({ [`${roundUsers}.run_id`]: runId, [`${roundUsers}.state`]: 'decided' }),
    );
  return nextChunk(unjudged, { id: 'u.id', objectId: 'u.object_id' }, afterUserId, size);
}
