import type { SimRoute, Simulator } from '@adsync/tenant-sim';
import type { Knex } from 'knex';
import { defaultMapping, mapProfile } from '../../src/features/users/profile-fields';
import { profileColumns } from '../../src/features/users/user';

/** Imported users and groups stored here as an import would have left them, for the group sync tests. */
export function importedGroups(db: () => Knex, sim: () => Simulator) {
  const tenant = () => sim().tenant();

  /** The user the service would import for a seeded user, stored (once) as imported from the tenant. */
  async function importUser(objectId: string): Promise<string> {
    const existing = await db()('users').where({ object_id: objectId }).first('id');
    if (existing) return existing.id;
    const record = tenant().user(objectId)!.user;
    const [row] = await db()('users')
      .insert({
        ...profileColumns(mapProfile(record, defaultMapping)),
        source: 'azure_ad',
        object_id: objectId,
        tenant_id: tenant().tenantId,
      })
      .returning('id');
    return row.id;
  }

  /** A group imported here with these members, whatever Azure AD has now. */
  async function storeGroup(
    objectId: string,
    name: string,
    members: string[],
    description: string | null = null,
  ): Promise<string> {
    const [group] = await db()('groups')
      .insert({ name, description, source: 'azure_ad', object_id: objectId, tenant_id: tenant().tenantId })
      .returning('id');
    const userIds = [];
    for (const member of members) userIds.push(await importUser(member));
    if (userIds.length > 0)
      await db()('group_members').insert(userIds.map((userId) => ({ group_id: group.id, user_id: userId })));
    return group.id as string;
  }

  /** The object ids of a group's members here, sorted. */
  const membersHere = async (groupId: string) =>
    (
      await db()('group_members as m')
        .join('users as u', 'u.id', 'm.user_id')
        .where('m.group_id', groupId)
        .select('u.object_id')
    )
      .map((row) => row.object_id as string)
      .sort();

  /** Requests Graph served on a route, alone or as `$batch` items. */
  const graphReads = (route: SimRoute) =>
    (sim().stats().requests[route] ?? 0) + (sim().stats().batchItems[route] ?? 0);

  return { importUser, storeGroup, membersHere, graphReads };
}
