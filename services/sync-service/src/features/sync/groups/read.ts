import {
  DirectoryError,
  type DirectoryFailure,
  isAccessFailure,
  unstorableGroup,
} from '../../../infra/directory';
import { forEachBounded } from '../../../infra/directory/bounded-pool';
import { importableProfile } from '../../directory-import/importer';
import type { SyncPolicy } from '../policy';
import { DirectoryRefusedError, type RunContext } from '../runs/run-context';
import type { GroupUpstream, SelectedGroup, UpstreamMember } from './outcomes';

/** Groups read from Graph at once: each is one request for the group and one per page of its members. */
const groupsInFlight = 4;

/**
 * Reads each group by id (`GET /groups/{id}`, 1 resource unit) and then every page of its members, transitive
 * or direct per the policy's `groupMembers` (4 units a page of up to 999), as the import does. Only Graph's 404 for the group is `notFound`; a group
 * whose member read failed on any page (after the client's retries) is `failed`, so none of its members is
 * removed. Azure AD refusing the service itself ends the run (DirectoryRefusedError).
 */
export async function readGroupsUpstream(
  context: RunContext,
  groups: SelectedGroup[],
  policy: Pick<SyncPolicy, 'accountState' | 'groupMembers'>,
): Promise<Array<SelectedGroup & { upstream: GroupUpstream }>> {
  const { directory } = context.execution;
  const upstream = new Map<string, GroupUpstream>();
  await forEachBounded(groups, groupsInFlight, async (group) => {
    context.stopIfAsked();
    upstream.set(group.id, await readOne(context, group.objectId));
  });
  return groups.map((group) => ({ ...group, upstream: upstream.get(group.id) as GroupUpstream }));

  async function readOne(context: RunContext, objectId: string): Promise<GroupUpstream> {
    const lookup = await directory.client.readGroup(objectId);
    if (lookup.kind === 'notFound') return { kind: 'notFound' };
    if (lookup.kind === 'failed') return failedRead(lookup.failure);
    const unstorable = unstorableGroup(lookup.group);
    if (unstorable) return failedRead(unstorable);
    try {
      const members = await directory.client.readGroupMembers(objectId, {
        transitive: policy.groupMembers === 'transitive',
        signal: context.signal,
      });
      return {
        kind: 'found',
        group: lookup.group,
        members: members.users.map((entry): UpstreamMember => {
          if (entry.kind === 'refused')
            return {
              objectId: entry.id,
              userPrincipalName: null,
              importable: null,
              refusal: entry.failure.message,
            };
          const importable = importableProfile(entry.user, directory.mapping, policy.accountState);
          return {
            objectId: entry.user.id,
            userPrincipalName: entry.user.userPrincipalName,
            importable: 'reason' in importable ? null : importable,
            refusal: 'reason' in importable ? importable.reason : null,
          };
        }),
      };
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      return failedRead(error.failure, "Reading the group's members failed; no member was removed");
    }
  }
}

function failedRead(failure: DirectoryFailure, context?: string): GroupUpstream {
  if (isAccessFailure(failure)) throw new DirectoryRefusedError(failure);
  return {
    kind: 'failed',
    failure: { code: failure.code, message: context ? `${context}: ${failure.message}` : failure.message },
  };
}
