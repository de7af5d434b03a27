import type { Queryable } from '../../../infra/db/queryable';
import type { UserProfile } from '../../users/user';

/** Deferred work of a run: see migration 005. */
export type PendingReason = 'deletion' | 'collision';

export interface PendingUser {
  userId: string;
  /** The profile Azure AD asked for (collisions only). */
  target: UserProfile | null;
}

export async function stagePending(
  db: Queryable,
  runId: string,
  reason: PendingReason,
  users: PendingUser[],
): Promise<void> {
  if (users.length === 0) return;
  await db('sync_run_pending').insert(
    users.map((user) => ({
      run_id: runId,
      user_id: user.userId,
      reason,
      target: user.target ? JSON.stringify(user.target) : null,
    })),
  );
}

/** The next deferred users, in user id order; each is removed in the transaction that resolves it. */
export async function nextPending(
  db: Queryable,
  runId: string,
  reason: PendingReason,
  limit: number,
): Promise<PendingUser[]> {
  const rows: Array<{ user_id: string; target: UserProfile | null }> = await db('sync_run_pending')
    .where({ run_id: runId, reason })
    .orderBy('user_id')
    .limit(limit)
    .select('user_id', 'target');
  return rows.map((row) => ({ userId: row.user_id, target: row.target }));
}

/** The next deferred collisions, each with the profile Azure AD asked for (always staged with it). */
export async function nextCollisions(
  db: Queryable,
  runId: string,
  limit: number,
): Promise<Array<{ userId: string; target: UserProfile }>> {
  const staged = await nextPending(db, runId, 'collision', limit);
  return staged.map((user) => ({ userId: user.userId, target: user.target as UserProfile }));
}

export async function countPending(db: Queryable, runId: string, reason: PendingReason): Promise<number> {
  const row = await db('sync_run_pending')
    .where({ run_id: runId, reason })
    .count<{ count: number }[]>({ count: '*' })
    .first();
  return Number(row?.count ?? 0);
}

/** The work of this kind deferred for these users. */
const pendingOf = (db: Queryable, runId: string, reason: PendingReason, userIds: string[]) =>
  db('sync_run_pending').where({ run_id: runId, reason }).whereRaw('user_id = any(?::uuid[])', [userIds]);

/** Those of these users that have work of this kind deferred. */
export async function pendingAmong(
  db: Queryable,
  runId: string,
  reason: PendingReason,
  userIds: string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows: Array<{ user_id: string }> = await pendingOf(db, runId, reason, userIds).select('user_id');
  return rows.map((row) => row.user_id);
}

export async function resolvePending(
  db: Queryable,
  runId: string,
  reason: PendingReason,
  userIds: string[],
): Promise<void> {
  if (userIds.length === 0) return;
  await pendingOf(db, runId, reason, userIds).delete();
}
