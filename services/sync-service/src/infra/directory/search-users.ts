import type { DirectoryUser } from './directory-types';
import { odataString } from './directory-user';
import { collectUpTo } from './graph-pages';
import type { GraphSession } from './graph-session';

const MAX_PAGE_SIZE = 999;

/**
 * Starts-with search on display name, mail and UPN: the plain `$filter` form, which needs neither
 * `ConsistencyLevel: eventual` nor `$count`. An empty term lists the first users of the directory.
 */
export async function searchUsers(
  session: GraphSession,
  term: string,
  limit: number,
): Promise<DirectoryUser[]> {
  const wanted = Math.max(0, Math.floor(limit));
  if (wanted === 0) return [];
  const prefix = term.trim();
  const filter = prefix
    ? ['displayName', 'mail', 'userPrincipalName']
        .map((property) => `startswith(${property},${odataString(prefix)})`)
        .join(' or ')
    : undefined;
  const query = [
    ...(filter ? [`$filter=${encodeURIComponent(filter)}`] : []),
    `$select=${session.users.select}`,
    `$top=${Math.min(wanted, MAX_PAGE_SIZE)}`,
  ].join('&');

  return collectUpTo(session, `/users?${query}`, wanted, session.users.toUser);
}
