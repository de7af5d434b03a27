import {
  type DirectoryFailure,
  type DirectoryUser,
  isAccessFailure,
  unstorableGroup,
  type WholeGroupRead,
} from '../../../infra/directory';
import { importableProfile } from '../../directory-import/importer';
import type { SyncPolicy } from '../policy';
import { DirectoryRefusedError, type RunContext } from '../runs/run-context';
import type { GroupUpstream, SelectedGroup, UpstreamMember } from './outcomes';

/**
 * Reads the groups with all their members through readGroupsWhole (groups 15 to a `$filter=id in`, first member
 * pages 20 to a `$batch`, later pages followed), transitive or direct per the policy's `groupMembers`. Only
 * Graph's 404 for the group is `notFound`; a group whose read failed on any page (after the client's retries)
 * is `failed`, so none of its members is removed. Azure AD refusing the service itself ends the run
 * (DirectoryRefusedError).
 */
export async function readGroupsUpstream(
  context: RunContext,
  groups: SelectedGroup[],
  policy: Pick<SyncPolicy, 'accountState' | 'groupMembers'>,
): Promise<Array<SelectedGroup & { upstream: GroupUpstream }>> {
  const { directory } = context.execution;
  context.stopIfAsked();
  const reads = await directory.client.readGroupsWhole(
    groups.map((group) => group.objectId),
    { transitive: policy.groupMembers === 'transitive', signal: context.signal },
  );
  return groups.map((group) => ({ ...group, upstream: upstreamOf(reads.get(group.objectId)) }));

  function upstreamOf(read: WholeGroupRead | undefined): GroupUpstream {
    if (!read) throw new Error('a selected group was not read');
    if (read.kind === 'notFound') return { kind: 'notFound' };
    if (read.kind === 'failed')
      return failedRead(
        read.failure,
        read.whileReadingMembers ? "Reading the group's members failed; no member was removed" : undefined,
      );
    const unstorable = unstorableGroup(read.group);
    if (unstorable) return failedRead(unstorable);
    return {
      kind: 'found',
      group: read.group,
      members: read.members.users.map((entry) =>
        entry.kind === 'refused'
          ? refusedMember(entry.id, entry.failure)
          : upstreamMember(entry.user, directory, policy),
      ),
    };
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
