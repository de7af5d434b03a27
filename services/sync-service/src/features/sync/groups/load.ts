import type { Knex } from 'knex';
import type { GroupDuplicateOf } from '../../groups/group';
import { groupsNamed, lockGroups } from '../../groups/repository';
import type { DuplicateOf } from '../../users/duplicates';
import {
  findCollisions,
  importedUsersByObjectIds,
  membersOfGroups,
  type StoredMemberRow,
} from '../../users/repository';
import type { GroupsChunk, MemberRef, StoredGroups, UpstreamMember } from './outcomes';

/**
 * What a chunk of groups needs from the database, in its transaction: the groups locked, their members (of a
 * group a delta round reported changes of, only the members those changes name), the tenant's imported users
 * among the upstream members (and those a dry run would create, `plannedUsers`), the holders of the new
 * members' keys and of the new names.
 */
export async function loadGroups(
  trx: Knex.Transaction,
  tenantId: string,
  chunk: GroupsChunk,
  plannedUsers: Map<string, MemberRef>,
): Promise<StoredGroups> {
  const ids = chunk.groups.map((group) => group.id);
  const rows = await lockGroups(trx, ids);
  const whole = chunk.groups.filter(({ upstream }) => upstream.kind !== 'changes').map((group) => group.id);
  const changed = chunk.groups.flatMap(({ id, upstream }) =>
    upstream.kind === 'changes' ? [{ id, upstream }] : [],
  );
  const named = changed.flatMap(({ upstream }) => [
    ...upstream.members.map((member) => member.objectId),
    ...upstream.absent,
  ]);
  const members = membersByGroup([
    ...(await membersOfGroups(trx, whole)),
    ...(await membersOfGroups(
      trx,
      changed.map((group) => group.id),
      named,
    )),
  ]);
  const upstreamMembers = chunk.groups.flatMap(({ upstream }): UpstreamMember[] =>
    upstream.kind === 'found' || upstream.kind === 'changes' ? upstream.members : [],
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
    (upstream.kind === 'found' || upstream.kind === 'changes') && upstream.group
      ? [upstream.group.displayName]
      : [],
  );
  const nameHolders: Map<string, GroupDuplicateOf> = await groupsNamed(trx, names);
  return {
    groups: new Map(rows.map((row) => [row.id, row])),
    members,
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
