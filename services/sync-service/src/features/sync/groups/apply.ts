import type { Knex } from 'knex';
import { chunksOf } from '../../../infra/directory/bounded-pool';
import { addMemberships, removeMemberships } from '../../groups/member-repository';
import { deleteGroup, markGroupsSynced, updateGroup } from '../../groups/repository';
import { importedUsersByObjectIds, insertImportedUsers } from '../../users/repository';
import { addMembershipCounts, insertGroupItems } from './item-repository';
import type { GroupsPlan } from './plan';
import { stageGroups, unstageGroups } from './staging-repository';

/** Users per insert statement (a statement holds 65,535 values). */
const rowsPerInsert = 500;
/** Memberships per statement: two arrays of ids, so no limit of values; bounded to keep statements small. */
const rowsPerStatement = 10_000;

/** A user the plan creates took a key another writer took since: the chunk is judged again. */
export class MemberKeyTaken extends Error {}

/**
 * Writes a groups plan in the chunk's transaction: the users created for new members first, then the
 * memberships, the groups' names and descriptions, the deletions, the items and the run's counters; and the
 * groups staged for after the threshold, or resolved from there.
 */
export async function applyGroupsPlan(
  trx: Knex.Transaction,
  runId: string,
  tenantId: string,
  plan: GroupsPlan,
): Promise<void> {
  for (const users of chunksOf(plan.create, rowsPerInsert)) {
    const inserted = await insertImportedUsers(trx, tenantId, users);
    if (inserted.length < users.length) throw new MemberKeyTaken();
  }
  const unresolved = [
    ...new Set(plan.additions.flatMap((addition) => (addition.userId ? [] : [addition.objectId ?? '']))),
  ];
  const createdIds = new Map(
    (await importedUsersByObjectIds(trx, tenantId, unresolved)).map((user) => [user.object_id, user.id]),
  );
  const additions = plan.additions.flatMap(({ groupId, userId, objectId }) => {
    const id = userId ?? createdIds.get(objectId ?? '');
    return id ? [{ groupId, userId: id }] : [];
  });
  for (const slice of chunksOf(additions, rowsPerStatement)) await addMemberships(trx, slice);
  const removals = plan.removals.flatMap(({ groupId, userIds }) =>
    userIds.map((userId) => ({ groupId, userId })),
  );
  for (const slice of chunksOf(removals, rowsPerStatement)) await removeMemberships(trx, slice);
  for (const { groupId, name, description } of plan.updates)
    await updateGroup(trx, groupId, { name, description });
  for (const groupId of plan.deletions) await deleteGroup(trx, groupId);
  await markGroupsSynced(trx, plan.synced);
  // The items name the users this chunk created by their new ids.
  const items = plan.items.map((item) => ({
    ...item,
    members: {
      ...item.members,
      added: item.members.added.map((member) => withCreatedId(member, createdIds, item.applied)),
      created: item.members.created.map((member) => withCreatedId(member, createdIds, item.applied)),
    },
  }));
  await insertGroupItems(trx, runId, items);
  await addMembershipCounts(trx, runId, plan.memberships);
  await unstageGroups(trx, runId, plan.unstaged);
  await stageGroups(trx, runId, plan.staged);
}

function withCreatedId<Member extends { userId: string | null; objectId: string | null }>(
  member: Member,
  createdIds: Map<string, string>,
  applied: boolean,
): Member {
  if (member.userId || !applied) return member;
  return { ...member, userId: createdIds.get(member.objectId ?? '') ?? null };
}
