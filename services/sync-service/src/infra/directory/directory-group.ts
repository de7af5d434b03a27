import { DirectoryError } from './directory-error';
import type { DirectoryFailure } from './directory-types';
import { unstorableValue } from './directory-user';

/** A directory group as the product reads it (Graph property names). */
export interface DirectoryGroup {
  id: string;
  displayName: string;
  description: string | null;
}

/** The group properties read: always `$select`, it lowers the throttling cost. */
export const GROUP_SELECT = 'id,displayName,description';

/** A Graph group object as it is, unchecked (for display); undefined when it lacks an id or a name. */
export function toGroup(raw: unknown): DirectoryGroup | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const group = raw as Record<string, unknown>;
  if (typeof group.id !== 'string' || typeof group.displayName !== 'string') return undefined;
  return {
    id: group.id,
    displayName: group.displayName,
    description: typeof group.description === 'string' ? group.description : null,
  };
}

/**
 * Why a group cannot enter the product as Graph gave it, or null: a name or description the database
 * cannot store (NUL, a lone surrogate, an absurd length) or a name that is blank.
 */
export function unstorableGroup(group: DirectoryGroup): DirectoryFailure | null {
  const blank = group.displayName.trim() === '' ? 'is blank' : null;
  const problem = blank ?? unstorableValue(group.displayName);
  const where = problem ? `displayName ${problem}` : null;
  const descriptionProblem = group.description === null ? null : unstorableValue(group.description);
  const message = where ?? (descriptionProblem ? `description ${descriptionProblem}` : null);
  return message
    ? { category: 'unknown', code: 'invalid_value', message: `Azure AD group attribute ${message}.` }
    : null;
}

/** Graph's 403 on a group route: the group permission is missing, whatever the users' one says. */
export function groupPermissionFailure(error: unknown): unknown {
  if (!(error instanceof DirectoryError) || error.failure.code !== 'missing_permission') return error;
  return new DirectoryError({
    ...error.failure,
    message:
      'The app lacks the GroupMember.Read.All application permission (or Group.Read.All) or its admin ' +
      'consent (HTTP 403): groups cannot be read.',
  });
}
