import { isGroupNameViolation } from '../../groups/group';
import type { Synchronizer } from '../runs/synchronizer';
import { applyGroupsPlan, MemberKeyTaken } from './apply';
import { loadGroups } from './load';
import type { GroupDecision, GroupsChunk, MemberRef, StoredGroups } from './outcomes';
import { decideGroups, type GroupsPlan, type GroupsRunSettings, planGroups } from './plan';

type GroupsSynchronizer = Synchronizer<GroupsChunk, StoredGroups, GroupDecision, GroupsPlan>;

/**
 * How a chunk of groups is loaded, decided, planned and applied, whichever way the groups were read (by id
 * for a selection, or from a whole-directory delta round).
 */
export function groupChunkSteps(
  runId: string,
  tenantId: string,
  settings: GroupsRunSettings,
): Pick<GroupsSynchronizer, 'load' | 'decide' | 'plan' | 'apply' | 'committed' | 'judgeAgain'> {
  /** Users a dry run would create, so a later chunk adds them instead of creating them again. */
  const plannedUsers = new Map<string, MemberRef>();
  return {
    load: (trx, chunk) => loadGroups(trx, tenantId, chunk, plannedUsers),
    decide: (chunk, stored) => decideGroups(chunk, stored),
    plan: (chunk, _stored, decisions) => planGroups(chunk, decisions, settings),
    // A dry run's plan holds no writes (its items are not applied): only its items and counters are stored.
    apply: (trx, plan) => applyGroupsPlan(trx, runId, tenantId, plan),
    async committed(plan) {
      if (!settings.dryRun || !plan) return;
      for (const item of plan.items)
        for (const user of item.members.created) if (user.objectId) plannedUsers.set(user.objectId, user);
    },
    // A concurrent writer took a new group name or a new member's key between the check and the write.
    judgeAgain: (error) => error instanceof MemberKeyTaken || isGroupNameViolation(error),
  };
}
