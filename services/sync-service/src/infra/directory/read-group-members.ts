import { DirectoryError } from './directory-error';
import { type DirectoryGroup, GROUP_SELECT, groupPermissionFailure, toGroup } from './directory-group';
import type { DirectoryFailure } from './directory-types';
import { type DirectoryUserEntry, isObjectId } from './directory-user';
import { classifyFailure, toDirectoryFailure } from './failure-classification';
import { followPages } from './graph-pages';
import { GraphSession } from './graph-session';

/** A group read by id: only Graph's 404 Request_ResourceNotFound is `notFound`. */
export type GroupLookup =
  | { kind: 'found'; group: DirectoryGroup }
  | { kind: 'notFound' }
  | { kind: 'failed'; failure: DirectoryFailure };

export async function readGroup(session: GraphSession, id: string): Promise<GroupLookup> {
  if (!isObjectId(id))
    return {
      kind: 'failed',
      failure: {
        category: 'unknown',
        code: 'invalid_object_id',
        message: `'${id}' is not an Entra object id.`,
      },
    };
  try {
    const body = await session.send('group', (signal) =>
      session.client
        .api(`/groups/${id}?$select=${GROUP_SELECT}`)
        .middlewareOptions(GraphSession.noSdkRetries())
        .option('signal', signal)
        .get(),
    );
    const group = toGroup(body);
    if (group) return { kind: 'found', group };
    return {
      kind: 'failed',
      failure: toDirectoryFailure(
        classifyFailure({ kind: 'unexpected', detail: 'a group without id or name' }),
      ),
    };
  } catch (error) {
    const failure = groupPermissionFailure(error);
    if (!(failure instanceof DirectoryError)) throw failure;
    if (failure.failure.code === 'not_found') return { kind: 'notFound' };
    return { kind: 'failed', failure: failure.failure };
  }
}

/** Kinds of members that are not users: devices, service principals, org contacts, groups (nested). */
export type OtherMemberKind = 'group' | 'device' | 'servicePrincipal' | 'orgContact' | 'other';

export interface GroupMembers {
  /** Members that are users, checked as they enter (a user with an unstorable attribute is `refused`). */
  users: DirectoryUserEntry[];
  /** Members that are not users, counted by kind; they are never imported. */
  ignored: Record<OtherMemberKind, number>;
}

const otherKinds: Record<string, OtherMemberKind> = {
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.device': 'device',
  '#microsoft.graph.servicePrincipal': 'servicePrincipal',
  '#microsoft.graph.orgContact': 'orgContact',
};

/**
 * Every member of a group, following nextLinks (999 a page unless the session says fewer). Transitive by default: members of nested groups
 * are members too, as Azure AD grants access through them. The members are read uncast, not through
 * `/microsoft.graph.user`: a page costs the same either way (transitive 5 RU, −1 for `$select`), and only
 * the uncast answer carries each member's `@odata.type`, so the non-user members are counted in the same
 * pass instead of by more requests. Throws DirectoryError when any page fails: a caller never gets a part.
 */
export async function readGroupMembers(
  session: GraphSession,
  groupId: string,
  options: { transitive?: boolean; signal?: AbortSignal } = {},
): Promise<GroupMembers> {
  const members = noMembers();
  try {
    for await (const page of followPages(session, membersUrl(session, groupId, options), {}, options.signal))
      addMembersOfPage(session, members, page.value);
  } catch (error) {
    throw groupPermissionFailure(error);
  }
  return members;
}

export const noMembers = (): GroupMembers => ({
  users: [],
  ignored: { group: 0, device: 0, servicePrincipal: 0, orgContact: 0, other: 0 },
});

/** The first page of a group's members (relative to the version), transitive unless told otherwise. */
export function membersUrl(
  session: GraphSession,
  groupId: string,
  options: { transitive?: boolean },
): string {
  const relation = options.transitive === false ? 'members' : 'transitiveMembers';
  return `/groups/${groupId}/${relation}?$select=${session.users.select}&$top=${session.memberPageSize}`;
}

/** Adds one page's members: users checked as they enter, the other kinds counted. */
export function addMembersOfPage(session: GraphSession, members: GroupMembers, value: unknown[]): void {
  for (const raw of value) {
    const type = (raw as { '@odata.type'?: unknown } | null)?.['@odata.type'];
    const entry = type === '#microsoft.graph.user' ? session.users.read(raw) : undefined;
    if (entry) members.users.push(entry);
    else members.ignored[typeof type === 'string' ? (otherKinds[type] ?? 'other') : 'other'] += 1;
  }
}
