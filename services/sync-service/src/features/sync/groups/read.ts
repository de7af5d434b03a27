import {
  type DirectoryFailure,
  type DirectoryUser,
  type DirectoryUserEntry,
  isAccessFailure,
  unstorableGroup,
  type WholeGroupRead,
} from '../../../infra/directory';
import { importableProfile } from '../../directory-import/importer';
import type { SyncPolicy } from '../policy';
import { DirectoryRefusedError, type RunContext } from '../runs/run-context';
import { dropStagedMembers, stagedMemberChanges, stageMemberPage } from './member-staging-repository';
import type { GroupUpstream, SelectedGroup, UpstreamMember } from './outcomes';

/**
 * Reads the groups with all their members through readGroupsWhole (groups 15 to a `$filter=id in`, first member
 * pages 20 to a `$batch`, later pages followed), transitive or direct per the policy's `groupMembers`. Only
 * Graph's 404 for the group is `notFound`; a group whose read failed on any page (after the client's retries)
 * is `failed`, so none of its members is removed. Azure AD refusing the service itself ends the run
 * (DirectoryRefusedError).
 *
 * A group whose members span several pages is not held whole: each page is staged in the database as it comes
 * (member-staging-repository.ts), and once every page has answered, the group's upstream is what its complete
 * list changes here (`changes`: the members to add, the members here it lacks), found set-based. So memory
 * holds a page of a group of 100,000 members, and the changes, whatever the group's size. The staged pages of
 * a group whose read failed are dropped unused.
 */
export async function readGroupsUpstream(
  context: RunContext,
  groups: SelectedGroup[],
  policy: Pick<SyncPolicy, 'accountState' | 'groupMembers'>,
): Promise<Array<SelectedGroup & { upstream: GroupUpstream }>> {
  const { directory, db, run } = context.execution;
  const retry = context.retryOnLostConnection;
  const groupIds = new Map(groups.map((group) => [group.objectId, group.id]));
  /** Groups with a member page staged: theirs are dropped once the chunk's upstream is known. */
  const staged = new Set<string>();
  context.stopIfAsked();
  try {
    const reads = await directory.client.readGroupsWhole(
      groups.map((group) => group.objectId),
      {
        transitive: policy.groupMembers === 'transitive',
        signal: context.signal,
        memberPages: (objectId, users) => {
          const groupId = groupIds.get(objectId) as string;
          staged.add(groupId);
          return retry(() => stageMemberPage(db, run.id, groupId, users.map(memberOfEntry)));
        },
      },
    );
    const upstream: Array<SelectedGroup & { upstream: GroupUpstream }> = [];
    for (const group of groups)
      upstream.push({ ...group, upstream: await upstreamOf(group, reads.get(group.objectId)) });
    return upstream;
  } finally {
    if (staged.size > 0) await retry(() => dropStagedMembers(db, run.id, [...staged]));
  }

  function memberOfEntry(entry: DirectoryUserEntry): UpstreamMember {
    return entry.kind === 'refused'
      ? refusedMember(entry.id, entry.failure)
      : upstreamMember(entry.user, directory, policy);
  }

  async function upstreamOf(group: SelectedGroup, read: WholeGroupRead | undefined): Promise<GroupUpstream> {
    if (!read) throw new Error('a selected group was not read');
    if (read.kind === 'notFound') return { kind: 'notFound' };
    if (read.kind === 'failed')
      return failedRead(
        read.failure,
        read.whileReadingMembers ? "Reading the group's members failed; no member was removed" : undefined,
      );
    const unstorable = unstorableGroup(read.group);
    if (unstorable) return failedRead(unstorable);
    if (read.paged)
      return {
        kind: 'changes',
        group: read.group,
        ...(await retry(() => stagedMemberChanges(db, run.id, group.id))),
      };
    return { kind: 'found', group: read.group, members: read.members.users.map(memberOfEntry) };
  }
}

function failedRead(failure: DirectoryFailure, context?: string): GroupUpstream {
  if (isAccessFailure(failure)) throw new DirectoryRefusedError(failure);
  return {
    kind: 'failed',
    failure: { code: failure.code, message: context ? `${context}: ${failure.message}` : failure.message },
  };
}

/** A member that is a user, as a sync can add it: the user the mapping makes of it, or why it cannot. */
export function upstreamMember(
  user: DirectoryUser,
  directory: RunContext['execution']['directory'],
  policy: Pick<SyncPolicy, 'accountState'>,
): UpstreamMember {
  const importable = importableProfile(user, directory.mapping, policy.accountState);
  return {
    objectId: user.id,
    userPrincipalName: user.userPrincipalName,
    importable: 'reason' in importable ? null : importable,
    refusal: 'reason' in importable ? importable.reason : null,
  };
}

/** A member Azure AD did not answer for usably: it is not added, and the reason is reported. */
export function refusedMember(objectId: string, failure: DirectoryFailure): UpstreamMember {
  return { objectId, userPrincipalName: null, importable: null, refusal: failure.message };
}
