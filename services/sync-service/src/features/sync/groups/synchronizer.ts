import type { GroupDuplicateOf } from '../../groups/group';
import { isGroupNameViolation } from '../../groups/group';
import { membersOfGroups } from '../../groups/member-repository';
import { groupsNamed, importedGroupsSelected, lockGroups } from '../../groups/repository';
import type { DuplicateOf } from '../../users/duplicates';
import { findCollisions, importedUsersByObjectIds } from '../../users/repository';
import { type GroupSelection, recordSelectedCount } from '../runs/run-repository';
import type { SynchronizerFactory } from '../runs/synchronizer';
import { applyGroupsPlan, MemberKeyTaken } from './apply';
import type { GroupDecision, GroupsChunk, MemberRef, SelectedGroup, StoredGroups } from './outcomes';
import { decideGroups, type GroupsPlan, type GroupsRunSettings, membersToRemove, planGroups } from './plan';
import { readGroupsUpstream } from './read';

/**
 * Imported groups, kept in step with Azure AD: the second synchronizer. The read takes each selected group
 * whole from Graph (the group, then every page of its members) before anything is written, and counts the
 * memberships Azure AD would have removed: the deletion threshold judges those against the memberships of
 * the selected groups, so a run that would strip many members is held back like a mass deletion. Then the
 * groups are decided, planned and applied chunk by chunk, removals held back or not.
 */
export const groupsSynchronizer: SynchronizerFactory<GroupsChunk, StoredGroups, GroupDecision, GroupsPlan> = (
  context,
) => {
  const { db, run, directory, policy, chunkSize } = context.execution;
  const selection = context.execution.selection as GroupSelection;
  const { tenantId } = directory;
  const retry = context.retryOnLostConnection;
  const settings: GroupsRunSettings = { dryRun: run.dry_run };
  /** Groups read, waiting for the threshold's verdict; held in memory (a selection of groups, not of users). */
  const read: GroupsChunk['groups'][] = [];
  let removals = 0;
  /** Users a dry run would create, so a later chunk adds them instead of creating them again. */
  const plannedUsers = new Map<string, MemberRef>();

  const selected = () =>
    importedGroupsSelected(
      db,
      tenantId,
      selection.kind === 'groupIds' ? { groupIds: selection.groupIds } : { search: selection.search },
    );

  return {
    objects: 'groups',
    async read() {
      let memberships = 0;
      let after: string | null = null;
      const count = await retry(async () => {
        const row = await selected().count<{ count: number }[]>({ count: '*' }).first();
        await recordSelectedCount(db, run.id, Number(row?.count ?? 0));
        return Number(row?.count ?? 0);
      });
      for (;;) {
        const groups: SelectedGroup[] = await retry(() =>
          selected()
            .modify((builder) => {
              if (after) builder.where('id', '>', after);
            })
            .orderBy('id')
            .limit(chunkSize)
            .select('id', { objectId: 'object_id' }),
        );
        if (groups.length === 0) break;
        after = groups[groups.length - 1].id;
        const upstream = await readGroupsUpstream(context, groups, policy);
        context.stopIfAsked();
        const ids = groups.map((group) => group.id);
        const stored = membersByGroup(await retry(() => membersOfGroups(db, ids)));
        for (const { id, upstream: answer } of upstream) {
          const members = stored.get(id) ?? [];
          memberships += members.length;
          if (answer.kind === 'notFound') removals += members.length;
          if (answer.kind === 'found') removals += membersToRemove(members, answer.members).length;
        }
        read.push(upstream);
        if (groups.length < chunkSize) break;
      }
      context.execution.log.info({ groups: count, memberships, removals }, 'groups read');
      return memberships;
    },
    async load(trx, chunk) {
      const ids = chunk.groups.map((group) => group.id);
      const rows = await lockGroups(trx, ids);
      const members = membersByGroup(await membersOfGroups(trx, ids));
      const upstreamMembers = chunk.groups.flatMap(({ upstream }) =>
        upstream.kind === 'found' ? upstream.members : [],
      );
      const objectIds = [...new Set(upstreamMembers.map((member) => member.objectId))];
      const users = new Map<string, MemberRef>(plannedUsers);
      for (const row of await importedUsersByObjectIds(trx, tenantId, objectIds))
        users.set(row.object_id, memberRef({ ...row, user_id: row.id }));
      const newcomers = [
        ...new Map(
          upstreamMembers.flatMap((member) =>
            member.importable && !users.has(member.objectId) ? [[member.objectId, member.importable]] : [],
          ),
        ).values(),
      ];
      const holders = await findCollisions(
        trx,
        newcomers.map((newcomer) => newcomer.profile),
      );
      const keyHolders = new Map<string, DuplicateOf>();
      newcomers.forEach((newcomer, index) => {
        const holder = holders[index];
        if (holder) keyHolders.set(newcomer.objectId, holder);
      });
      const names = chunk.groups.flatMap(({ upstream }) =>
        upstream.kind === 'found' ? [upstream.group.displayName] : [],
      );
      const nameHolders: Map<string, GroupDuplicateOf> = await groupsNamed(trx, names);
      return {
        groups: new Map(rows.map((row) => [row.id, row])),
        members,
        nameHolders,
        users,
        keyHolders,
      };
    },
    decide: (chunk, stored) => decideGroups(chunk, stored),
    plan: (chunk, _stored, decisions) => planGroups(chunk, decisions, settings),
    // A dry run's plan holds no writes (its items are not applied): only its items and counters are stored.
    apply: (trx, plan) => applyGroupsPlan(trx, run.id, tenantId, plan),
    async committed(plan) {
      if (!settings.dryRun || !plan) return;
      for (const item of plan.items)
        for (const user of item.members.created) if (user.objectId) plannedUsers.set(user.objectId, user);
    },
    // A concurrent writer took a new group name or a new member's key between the check and the write.
    judgeAgain: (error) => error instanceof MemberKeyTaken || isGroupNameViolation(error),
    stagedDeletions: async () => removals,
    async nextDeletions(mode) {
      const groups = read.shift();
      return groups ? { mode, groups } : null;
    },
    nextDeferred: async () => null,
    settled: async () => undefined,
    finish: async () => undefined,
    abandon: async () => undefined,
  };
};

const memberRef = (row: {
  user_id: string;
  object_id: string | null;
  username: string;
  email: string;
}): MemberRef => ({
  userId: row.user_id,
  objectId: row.object_id,
  username: row.username,
  email: row.email,
});

function membersByGroup(rows: Parameters<typeof memberRef>[0][] & Array<{ group_id: string }>) {
  const members = new Map<string, MemberRef[]>();
  for (const row of rows) {
    const list = members.get(row.group_id);
    if (list) list.push(memberRef(row));
    else members.set(row.group_id, [memberRef(row)]);
  }
  return members;
}
