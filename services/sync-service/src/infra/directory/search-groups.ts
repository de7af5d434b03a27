import { type DirectoryGroup, GROUP_SELECT, groupPermissionFailure, toGroup } from './directory-group';
import { odataString } from './directory-user';
import { collectUpTo } from './graph-pages';
import type { GraphSession } from './graph-session';

const MAX_PAGE_SIZE = 999;

/**
 * Groups whose displayName starts with `term` (Graph's plain `$filter`, no `ConsistencyLevel` needed), up to
 * `limit`, following nextLinks: with `$top` at most 999, a search of 1,000 takes two pages. An empty term
 * lists the first groups of the directory. Throws DirectoryError.
 */
export async function searchGroups(
  session: GraphSession,
  term: string,
  limit: number,
): Promise<DirectoryGroup[]> {
  const wanted = Math.max(0, Math.floor(limit));
  if (wanted === 0) return [];
  const prefix = term.trim();
  const query = [
    ...(prefix ? [`$filter=${encodeURIComponent(`startswith(displayName,${odataString(prefix)})`)}`] : []),
    `$select=${GROUP_SELECT}`,
    `$top=${Math.min(wanted, MAX_PAGE_SIZE)}`,
  ].join('&');
  return collectUpTo(session, `/groups?${query}`, wanted, toGroup).catch((error: unknown) => {
    throw groupPermissionFailure(error);
  });
}
