import type { UniqueField } from './profile-fields';

/** The existing user an email or username collides with (case-insensitively). */
export interface DuplicateOf {
  userId: string;
  username: string;
  email: string;
  field: UniqueField;
}

/** The collision of a candidate with `holder` on `field`. */
export function duplicateOf(
  holder: { id: string; username: string; email: string },
  field: DuplicateOf['field'],
) {
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
