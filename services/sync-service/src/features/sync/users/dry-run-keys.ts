import type { Queryable } from '../../../infra/db/queryable';
import { lowerCaseKeys, type WantedKeys } from '../../users/repository';
import type { KeyHolder } from '../../users/user';

/**
 * A dry run writes no user, so what it decided for one chunk is invisible to the next: a user taking the
 * email that a user of an earlier chunk gave up would be reported `duplicated`, though the real run
 * modifies it. The email and username of every user the dry run would modify, and the users it would
 * delete, are therefore kept (migration 009) and laid over the users table when the run looks for who holds
 * a key.
 */

/** What a user of the run would hold once written: its new email and username, or nothing (deleted). */
export type PlannedKeys =
  | { userId: string; username: string; email: string }
  | { userId: string; gone: true };

export async function planKeys(db: Queryable, runId: string, planned: ReadonlyArray<PlannedKeys>) {
  if (planned.length === 0) return;
  await db('sync_run_planned_keys')
    .insert(
      planned.map((user) => ({
        run_id: runId,
        user_id: user.userId,
        username: 'gone' in user ? null : user.username,
        email: 'gone' in user ? null : user.email,
      })),
    )
    .onConflict(['run_id', 'user_id'])
    .merge(['username', 'email']);
}

/**
 * The holders of the wanted keys as the run would have left them: holders the run moved off the key or
 * deleted drop out, users the run moved onto it come in (imported users of the tenant, so they may move).
 */
export async function withPlannedKeys(
  db: Queryable,
  runId: string,
  holders: ReadonlyArray<KeyHolder>,
  wanted: WantedKeys,
): Promise<KeyHolder[]> {
  if (wanted.length === 0) return [...holders];
  const { emails, usernames } = lowerCaseKeys(wanted);
  const planned: Array<{ user_id: string; username: string | null; email: string | null }> = await db(
    'sync_run_planned_keys',
  )
    .select('user_id', 'username', 'email')
    .where('run_id', runId)
    .andWhere((where) =>
      where
        .whereRaw('user_id = any(?::uuid[])', [holders.map((holder) => holder.id)])
        .orWhereRaw('lower(email) = any(?)', [emails])
        .orWhereRaw('lower(username) = any(?)', [usernames]),
    );
  if (planned.length === 0) return [...holders];
  const byId = new Map(holders.map((holder) => [holder.id, holder]));
  for (const row of planned) {
    if (row.username === null || row.email === null) byId.delete(row.user_id);
    else byId.set(row.user_id, { id: row.user_id, username: row.username, email: row.email, mayMove: true });
  }
  const [emailSet, usernameSet] = [new Set(emails), new Set(usernames)];
  const holds = (holder: KeyHolder) =>
    emailSet.has(holder.email.toLowerCase()) || usernameSet.has(holder.username.toLowerCase());
  return [...byId.values()].filter(holds);
}

export async function dropPlannedKeys(db: Queryable, runId: string): Promise<void> {
  await db('sync_run_planned_keys').where('run_id', runId).delete();
}
