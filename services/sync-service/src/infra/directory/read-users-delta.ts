import type { DeltaPage } from './directory-types';
import { isObjectId } from './directory-user';
import { followPages } from './graph-pages';
import type { GraphSession } from './graph-session';

/** A full round's first request: every user, with the properties `select` names. */
export const usersDeltaRound = (select: string) => `/users/delta?$select=${select}`;

/** Delta pages can only be read one after another, so each should be as large as Graph allows. */
const PAGE_SIZE_PREFERENCE = { Prefer: 'odata.maxpagesize=999' };

/**
 * One round of `/users/delta`. The first call (no link) enumerates the tenant with `$select`; the
 * deltaLink of its last page reads only what changed since. A removed object comes as
 * `{ id, "@removed": { reason } }`; an update may carry only the properties that changed, and is then
 * reported as `partial`, to be read by id; everything else is a user.
 */
export async function* readUsersDelta(
  session: GraphSession,
  deltaLink: string | null,
  signal?: AbortSignal,
): AsyncGenerator<DeltaPage> {
  const firstUrl = deltaLink ?? usersDeltaRound(session.users.select);
  for await (const page of followPages(session, firstUrl, PAGE_SIZE_PREFERENCE, signal)) {
    const users: DeltaPage['users'] = [];
    const refused: DeltaPage['refused'] = [];
    const removed: DeltaPage['removed'] = [];
    const partial: string[] = [];
    for (const raw of page.value) {
      if (typeof raw !== 'object' || raw === null) continue;
      const entry = raw as { id?: unknown; '@removed'?: { reason?: unknown } };
      // An id that is not a GUID names no user the product could have imported.
      if (typeof entry.id !== 'string' || !isObjectId(entry.id)) continue;
      if (entry['@removed']) {
        removed.push({
          id: entry.id,
          reason: entry['@removed'].reason === 'deleted' ? 'deleted' : 'changed',
        });
        continue;
      }
      const read = session.users.isComplete(raw) ? session.users.read(raw) : undefined;
      if (read?.kind === 'user') users.push(read.user);
      else if (read?.kind === 'refused') refused.push({ id: read.id, failure: read.failure });
      else partial.push(entry.id);
    }
    const pageUsers = { users, refused, removed, partial };
    yield page.deltaLink ? { ...pageUsers, deltaLink: page.deltaLink } : pageUsers;
  }
}
