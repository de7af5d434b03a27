import type { DeltaPage } from './directory-types';
import { toDirectoryUser, USER_SELECT } from './directory-user';
import { followPages } from './graph-pages';
import type { GraphSession } from './graph-session';

/** Delta pages can only be read one after another, so each should be as large as Graph allows. */
const PAGE_SIZE_PREFERENCE = { Prefer: 'odata.maxpagesize=999' };

/**
 * One round of `/users/delta`. The first call (no link) enumerates the tenant with `$select`; the
 * deltaLink of its last page reads only what changed since. A removed object comes as
 * `{ id, "@removed": { reason } }`; everything else is a user.
 */
export async function* readUsersDelta(
  session: GraphSession,
  deltaLink: string | null,
  signal?: AbortSignal,
): AsyncGenerator<DeltaPage> {
  const firstUrl = deltaLink ?? `/users/delta?$select=${USER_SELECT}`;
  for await (const page of followPages(session, firstUrl, PAGE_SIZE_PREFERENCE, signal)) {
    const users: DeltaPage['users'] = [];
    const removed: DeltaPage['removed'] = [];
    for (const raw of page.value) {
      const entry = raw as { id?: unknown; '@removed'?: { reason?: unknown } };
      if (entry['@removed'] && typeof entry.id === 'string') {
        removed.push({
          id: entry.id,
          reason: entry['@removed'].reason === 'deleted' ? 'deleted' : 'changed',
        });
        continue;
      }
      const user = toDirectoryUser(raw);
      if (user) users.push(user);
    }
    yield page.deltaLink ? { users, removed, deltaLink: page.deltaLink } : { users, removed };
  }
}
