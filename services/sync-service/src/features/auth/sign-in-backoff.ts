import type { Queryable } from '../../infra/db/queryable';
import { hashToken } from './tokens';

/** Failed attempts an account may have before each further one must wait. */
export const freeSignInAttempts = 5;
/** The wait after the 5th failure; it doubles with each further failure, up to `maximumBackoffSeconds`. */
export const firstBackoffSeconds = 30;
export const maximumBackoffSeconds = 15 * 60;
/** Failures older than this are forgotten. */
const memory = "interval '1 day'";

/** The account an attempt is for: the administrator it names, or else the name itself (never revealed). */
export function signInAccount(administratorId: string | undefined, username: string): string {
  return hashToken(administratorId ? `administrator:${administratorId}` : `name:${username.toLowerCase()}`);
}

/**
 * Counts an attempt on the account as failed before the password is checked, in one statement, so that
 * attempts arriving together on several replicas cannot all slip through: once the account has
 * `freeSignInAttempts` failures, the next attempt is allowed only after 30 s, then 1, 2, 4, 8 and 15 min.
 * Returns 0 when this attempt may go ahead, else the seconds to wait.
 */
export async function reserveSignInAttempt(db: Queryable, account: string): Promise<number> {
  const failures = `case when b.last_attempt_at < now() - ${memory} then 0 else b.failures end + 1`;
  const result = await db.raw(
    `insert into sign_in_backoff as b (account_key, failures, last_attempt_at) values (?, 1, now())
     on conflict (account_key) do update set
       failures = ${failures},
       last_attempt_at = now(),
       blocked_until = case when ${failures} >= ? then
         now() + least(? * power(2, ${failures} - ?), ?) * interval '1 second' end
     where b.blocked_until is null or b.blocked_until <= now()
     returning failures`,
    [account, freeSignInAttempts, firstBackoffSeconds, freeSignInAttempts, maximumBackoffSeconds],
  );
  if (result.rows.length > 0) return 0;
  const blocked = await db('sign_in_backoff')
    .where({ account_key: account })
    .first(db.raw('ceil(extract(epoch from blocked_until - now()))::int as seconds'));
  return Math.max(1, Number(blocked?.seconds ?? 1));
}

/** A successful sign-in clears the account's failures; rows of accounts idle for a day are dropped. */
export async function clearSignInFailures(db: Queryable, account: string): Promise<void> {
  await db('sign_in_backoff').where({ account_key: account }).delete();
}

export async function forgetOldSignInFailures(db: Queryable): Promise<void> {
  await db('sign_in_backoff').whereRaw(`last_attempt_at < now() - ${memory}`).delete();
}
