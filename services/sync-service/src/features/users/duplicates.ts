import type { Queryable } from '../../infra/db/queryable';

/** The existing user an email or username collides with (case-insensitively). */
export interface DuplicateOf {
  userId: string;
  username: string;
  email: string;
  field: 'email' | 'username';
}

interface Candidate {
  username: string;
  email: string;
}

/**
 * Finds, for many candidates at once, another user holding the same email or username. One query for the
 * whole list keeps import and sync from asking the database once per user.
 */
export async function findCollisions(
  db: Queryable,
  candidates: ReadonlyArray<Candidate & { excludeUserId?: string }>,
): Promise<Array<DuplicateOf | null>> {
  if (candidates.length === 0) return [];
  const emails = [...new Set(candidates.map((candidate) => candidate.email.toLowerCase()))];
  const usernames = [...new Set(candidates.map((candidate) => candidate.username.toLowerCase()))];
  const holders: Array<{ id: string; username: string; email: string }> = await db('users')
    .select('id', 'username', 'email')
    .whereRaw('lower(email) = any(?)', [emails])
    .orWhereRaw('lower(username) = any(?)', [usernames]);
  const byEmail = new Map(holders.map((holder) => [holder.email.toLowerCase(), holder]));
  const byUsername = new Map(holders.map((holder) => [holder.username.toLowerCase(), holder]));
  return candidates.map((candidate) => {
    const sameEmail = byEmail.get(candidate.email.toLowerCase());
    if (sameEmail && sameEmail.id !== candidate.excludeUserId) return duplicateOf(sameEmail, 'email');
    const sameUsername = byUsername.get(candidate.username.toLowerCase());
    if (sameUsername && sameUsername.id !== candidate.excludeUserId)
      return duplicateOf(sameUsername, 'username');
    return null;
  });
}

function duplicateOf(holder: { id: string; username: string; email: string }, field: DuplicateOf['field']) {
  return { userId: holder.id, username: holder.username, email: holder.email, field };
}

/** Postgres unique violations on the username / email indexes, raised when a race beats the check. */
export function uniqueViolationField(error: unknown): DuplicateOf['field'] | null {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code !== '23505') return null;
  if (constraint === 'users_email_unique') return 'email';
  if (constraint === 'users_username_unique') return 'username';
  return null;
}
