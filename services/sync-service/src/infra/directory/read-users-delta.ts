import type { DeltaPage } from './directory-types';
import { followPages } from './graph-pages';
import type { GraphSession } from './graph-session';

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
  const firstUrl = deltaLink ?? `/users/delta?$select=${session.users.select}`;
  for await (const page of followPages(session, firstUrl, PAGE_SIZE_PREFERENCE, signal)) {
    const users: DeltaPage['users'] = [];
    const removed: DeltaPage['removed'] = [];
    const partial: string[] = [];
    for (const raw of page.value) {
      if (typeof raw !== 'object' || raw === null) continue;
      const entry = raw as { id?: unknown; '@removed'?: { reason?: unknown } };
      if (typeof entry.id !== 'string') continue;
      if (entry['@removed']) {
        removed.push({
          id: entry.id,
          reason: entry['@removed'].reason === 'deleted' ? 'deleted' : 'changed',
        });
        continue;
      }
      const user = session.users.isComplete(raw) ? session.users.toUser(raw) : undefined;
      if (user) users.push(user);
      else partial.push(entry.id);
    }
    const pageUsers = { users, removed, partial };
    yield page.deltaLink ? { ...pageUsers, deltaLink: page.deltaLink } : pageUsers;
  }
}
