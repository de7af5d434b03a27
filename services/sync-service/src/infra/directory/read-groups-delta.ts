import { type DirectoryGroup, groupPermissionFailure } from './directory-group';
import { isObjectId } from './directory-user';
import { followPages } from './graph-pages';
import type { GraphSession } from './graph-session';

/** A full round's first request: every group with its name, description and members. */
export const GROUPS_DELTA_ROUND = '/groups/delta?$select=displayName,description,members';

/** Delta pages can only be read one after another, so each should be as large as Graph allows. */
const PAGE_SIZE_PREFERENCE = { Prefer: 'odata.maxpagesize=999' };

/** One entry of a group's `members@delta`: a member added (or listed, in a full round) or removed. */
export interface GroupDeltaMember {
  id: string;
  /**
   * Only users become members here; other kinds are counted and ignored. A nested `group` matters still: its
   * users are members of this group when members are read transitively.
   */
  kind: 'user' | 'group' | 'other';
  removed: boolean;
}

/** A group as one delta page carries it; the same group may come again later in the round with more members. */
export interface GroupDeltaEntry {
  id: string;
  /** The group's name and description, when the entry carries them (a member-only change may not). */
  head: DirectoryGroup | null;
  members: GroupDeltaMember[];
}

/** One page of a `/groups/delta` round. */
export interface GroupDeltaPage {
  groups: GroupDeltaEntry[];
  /** `changed`: soft-deleted, restorable; `deleted`: gone for good. Either is only a candidate. */
  removed: Array<{ id: string; reason: 'changed' | 'deleted' }>;
  /** On the round's last page: the link that reads the next changes. */
  deltaLink?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * One round of `/groups/delta?$select=displayName,description,members`: every group with all its members the
 * first time, then the groups changed since the link with the members added and removed (`@removed`). A large
 * group's `members@delta` span several pages: the group comes again, anywhere in the round, with the next
 * part; the caller merges by group id. Throws DirectoryError; `delta_token_expired` means: start over.
 */
export async function* readGroupsDelta(
  session: GraphSession,
  deltaLink: string | null,
  signal?: AbortSignal,
): AsyncGenerator<GroupDeltaPage> {
  const firstUrl = deltaLink ?? GROUPS_DELTA_ROUND;
  try {
    for await (const page of followPages(session, firstUrl, PAGE_SIZE_PREFERENCE, signal)) {
      const groups: GroupDeltaEntry[] = [];
      const removed: GroupDeltaPage['removed'] = [];
      for (const raw of page.value) {
        if (!isRecord(raw) || typeof raw.id !== 'string' || !isObjectId(raw.id)) continue;
        const removal = raw['@removed'];
        if (removal) {
          const reason = isRecord(removal) && removal.reason === 'deleted' ? 'deleted' : 'changed';
          removed.push({ id: raw.id, reason });
          continue;
        }
        groups.push({ id: raw.id, head: headOf(raw), members: membersOf(raw['members@delta']) });
      }
      const read = { groups, removed };
      yield page.deltaLink ? { ...read, deltaLink: page.deltaLink } : read;
    }
  } catch (error) {
    throw groupPermissionFailure(error);
  }
}

function headOf(raw: Record<string, unknown>): DirectoryGroup | null {
  if (typeof raw.displayName !== 'string') return null;
  return {
    id: raw.id as string,
    displayName: raw.displayName,
    description: typeof raw.description === 'string' ? raw.description : null,
  };
}

const memberKinds: Record<string, GroupDeltaMember['kind']> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
};

function membersOf(raw: unknown): GroupDeltaMember[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): GroupDeltaMember[] => {
    if (!isRecord(entry) || typeof entry.id !== 'string' || !isObjectId(entry.id)) return [];
    return [
      {
        id: entry.id,
        kind: memberKinds[String(entry['@odata.type'])] ?? 'other',
        removed: Boolean(entry['@removed']),
      },
    ];
  });
}
