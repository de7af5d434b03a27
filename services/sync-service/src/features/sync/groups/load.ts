import type { Knex } from 'knex';
import type { GroupDuplicateOf } from '../../groups/group';
import { groupsNamed, lockGroups } from '../../groups/repository';
import type { DuplicateOf } from '../../users/duplicates';
import {
  findCollisions,
  importedUsersByObjectIds,
  memberObjectIdsOfGroups,
  membersOfGroups,
  namedMembersOfGroups,
  type StoredMemberRow,
} from '../../users/repository';
import type { GroupsChunk, MemberRef, StoredGroups, UpstreamMember } from './outcomes';

/**
 * What a chunk of groups needs from the database, in its transaction: the groups locked, the members each
 * sync may remove (of a group read whole, those Azure AD's list lacks, found from its members' object ids; of
 * a group a delta round reported changes of, those the changes name), the tenant's imported users among the
 * upstream members not members here yet (and those a dry run would create, `plannedUsers`), the holders of
 * the new members' keys and of the new names. Only what differs is read in full: a group of 180 members
 * that lost one reads one member's row, not 180.
 */
export async function loadGroups(
  trx: Knex.Transaction,
  tenantId: string,
  chunk: GroupsChunk,
  plannedUsers: Map<string, MemberRef>,
): Promise<StoredGroups> {
  const ids = chunk.groups.map((group) => group.id);
  const rows = await lockGroups(trx, ids);
  /** Of each group read whole, its members' object ids: lower-cased to compare, to each its spelling as stored. */
  const present = new Map<string, Map<string, string>>();
  for (const row of await memberObjectIdsOfGroups(
    trx,
    chunk.groups.flatMap(({ id, upstream }) => (upstream.kind === 'found' ? [id] : [])),
  )) {
    present.set(row.group_id, new Map(row.object_ids.map((objectId) => [objectId.toLowerCase(), objectId])));
  }

  /** Members here a sync may remove (or finds already there), by object id as stored; upstream members not here. */
  const named: string[] = [];
  const newcomerIds = new Set<string>();
  for (const { id, upstream } of chunk.groups) {
    if (upstream.kind === 'changes') {
      named.push(...upstream.absent);
      for (const member of upstream.members) {
        named.push(member.objectId);
        newcomerIds.add(member.objectId);
      }
    } else if (upstream.kind === 'found') {
      const here = present.get(id) ?? new Map<string, string>();
      const listed = new Set(upstream.members.map((member) => member.objectId.toLowerCase()));
      for (const [lowerCase, asStored] of here) if (!listed.has(lowerCase)) named.push(asStored);
      for (const member of upstream.members)
        if (!here.has(member.objectId.toLowerCase())) newcomerIds.add(member.objectId);
    }
  }
  const deleted = chunk.groups.filter(({ upstream }) => upstream.kind === 'notFound').map(({ id }) => id);
  const members = membersByGroup([
    // A group deleted in Azure AD loses every member: each is reported.
    ...(await membersOfGroups(trx, deleted)),
    ...(await namedMembersOfGroups(
      trx,
      tenantId,
      chunk.groups.filter(({ upstream }) => upstream.kind !== 'notFound').map(({ id }) => id),
      [...new Set(named)],
    )),
  ]);
  const upstreamMembers = chunk.groups.flatMap(({ upstream }): UpstreamMember[] =>
    upstream.kind === 'found' || upstream.kind === 'changes' ? upstream.members : [],
  );
  const users = new Map<string, MemberRef>(plannedUsers);
  for (const row of await importedUsersByObjectIds(trx, tenantId, [...newcomerIds]))
    users.set(row.object_id, memberRef({ ...row, user_id: row.id }));
  const newcomers = [
    ...new Map(
      upstreamMembers.flatMap((member) =>
        member.importable && newcomerIds.has(member.objectId) && !users.has(member.objectId)
          ? [[member.objectId, member.importable]]
          : [],
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
    (upstream.kind === 'found' || upstream.kind === 'changes') && upstream.group
      ? [upstream.group.displayName]
      : [],
  );
  const nameHolders: Map<string, GroupDuplicateOf> = await groupsNamed(trx, names);
  return {
    groups: new Map(rows.map((row) => [row.id, row])),
    members,
    present,
    nameHolders,
    users,
    keyHolders,
  };
}

export const memberRef = (row: Omit<StoredMemberRow, 'group_id'>): MemberRef => ({
  userId: row.user_id,
  objectId: row.object_id,
  username: row.username,
  email: row.email,
});

export function membersByGroup(rows: StoredMemberRow[]): Map<string, MemberRef[]> {
  const members = new Map<string, MemberRef[]>();
  for (const row of rows) {
    const list = members.get(row.group_id);
    if (list) list.push(memberRef(row));
    else members.set(row.group_id, [memberRef(row)]);
  }
  return members;
}
