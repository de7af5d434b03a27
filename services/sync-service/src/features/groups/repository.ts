import type { Knex } from 'knex';
import { contains } from '../../infra/db/contains';
import type { Queryable } from '../../infra/db/queryable';
import { decodeCursor, encodeCursor, isUuid } from '../../infra/http/cursor';
import type { GroupDuplicateOf, GroupRow } from './group';

/**
 * Every query on `groups` (migration 017): the groups' API, the imported groups' listing and import.
 * Memberships are in `member-repository.ts`.
 */

const tableColumns = [
  'id',
  'name',
  'description',
  'source',
  'object_id',
  'tenant_id',
  'last_synced_at',
  'created_at',
  'updated_at',
];

function groupColumns(db: Queryable) {
  return [
    ...tableColumns.map((column) => `groups.${column}`),
    db.raw('(select count(*) from group_members where group_id = groups.id) as member_count'),
  ];
}

export interface GroupListQuery {
  source?: 'local' | 'azure_ad';
  /** Only the imported groups of this tenant (a tenant id, or a subquery yielding the configured one). */
  tenantId?: string | Knex.QueryBuilder;
  search?: string;
  /** By name, case-insensitively (groups_by_source_name serves both directions). */
  order?: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

type GroupFilter = Pick<GroupListQuery, 'source' | 'tenantId' | 'search'>;

/** The groups a listing, and its count, are of. */
function matchingGroups(db: Queryable, query: GroupFilter): Knex.QueryBuilder {
  return db('groups').modify((builder) => {
    if (query.source) builder.where('source', query.source);
    if (query.tenantId !== undefined)
      builder.where({ source: 'azure_ad' }).where('tenant_id', query.tenantId);
    if (query.search) builder.whereRaw(...contains('lower(name)', query.search));
  });
}

/** Groups by name then id, ascending or descending, paged by keyset. */
export async function listGroups(db: Queryable, query: GroupListQuery) {
  const after = decodeCursor(query.cursor, 2, ([key, id]) => typeof key === 'string' && isUuid(id));
  const descending = query.order === 'desc';
  const direction = descending ? 'desc' : 'asc';
  const rows: GroupRow[] = await matchingGroups(db, query)
    .select(groupColumns(db))
    .modify((builder) => {
      if (after) builder.whereRaw(`(lower(name), id) ${descending ? '<' : '>'} (?, ?::uuid)`, after);
    })
    .orderByRaw(`lower(name) ${direction}, id ${direction}`)
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.name.toLowerCase(), last.id]) : null,
  };
}

/** How many groups match: the groups a sync of all matching a search selects. */
export async function countGroups(db: Queryable, query: GroupFilter): Promise<number> {
  const row = await matchingGroups(db, query).count({ count: '*' }).first();
  return Number(row?.count ?? 0);
}

export function findGroup(db: Queryable, id: string): Promise<GroupRow | undefined> {
  return db('groups').where({ id }).first(groupColumns(db));
}

/** The group holding this name, case-insensitively (other than `excludeGroupId`). */
export async function findGroupNamed(
  db: Queryable,
  name: string,
  excludeGroupId?: string,
): Promise<GroupDuplicateOf | null> {
  const holder: { id: string; name: string } | undefined = await db('groups')
    .whereRaw('lower(name) = lower(?)', [name])
    .modify((builder) => {
      if (excludeGroupId) builder.whereNot('id', excludeGroupId);
    })
    .first('id', 'name');
  return holder ? { groupId: holder.id, name: holder.name } : null;
}

export interface NewGroup {
  name: string;
  description: string | null;
  source: GroupRow['source'];
  objectId?: string;
  tenantId?: string;
}

export async function insertGroup(db: Queryable, group: NewGroup): Promise<GroupRow> {
  const imported = group.source === 'azure_ad';
  const [row] = await db('groups')
    .insert({
      name: group.name,
      description: group.description,
      source: group.source,
      object_id: group.objectId ?? null,
      tenant_id: group.tenantId ?? null,
      last_synced_at: imported ? db.fn.now() : null,
    })
    .returning([...tableColumns, db.raw('0 as member_count')]);
  return row;
}

export async function updateGroup(
  db: Queryable,
  id: string,
  changes: { name?: string; description?: string | null },
): Promise<GroupRow> {
  await db('groups')
    .where({ id })
    .update({ ...changes, updated_at: db.fn.now() });
  return (await findGroup(db, id))!;
}

export async function deleteGroup(db: Queryable, id: string): Promise<void> {
  await db('groups').where({ id }).delete();
}

/** The imported groups of the tenant among these object ids. */
export async function importedGroupsByObjectIds(
  db: Queryable,
  tenantId: string,
  objectIds: string[],
): Promise<Array<{ id: string; object_id: string }>> {
  if (objectIds.length === 0) return [];
  return db('groups')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .whereRaw('object_id = any(?::text[])', [objectIds])
    .select('id', 'object_id');
}

/** The groups holding any of these names, case-insensitively, keyed by the lower-cased name. */
export async function groupsNamed(db: Queryable, names: string[]): Promise<Map<string, GroupDuplicateOf>> {
  if (names.length === 0) return new Map();
  const rows: Array<{ id: string; name: string }> = await db('groups')
    .whereRaw('lower(name) = any(?)', [names.map((name) => name.toLowerCase())])
    .select('id', 'name');
  return new Map(rows.map((row) => [row.name.toLowerCase(), { groupId: row.id, name: row.name }]));
}

/** The imported groups of the tenant a sync selects: by id, or all matching a search of their names. */
export function importedGroupsSelected(
  db: Queryable,
  tenantId: string,
  selection: { groupIds: string[] } | { search: string },
): Knex.QueryBuilder {
  return db('groups')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .modify((builder) => {
      if ('groupIds' in selection) builder.whereRaw('id = any(?::uuid[])', [selection.groupIds]);
      else if (selection.search) builder.whereRaw(...contains('lower(name)', selection.search));
    });
}

/** These groups as stored now, locked for the caller's transaction. */
export function lockGroups(
  trx: Knex.Transaction,
  ids: string[],
): Promise<Array<{ id: string; name: string; description: string | null }>> {
  if (ids.length === 0) return Promise.resolve([]);
  return trx('groups')
    .whereRaw('id = any(?::uuid[])', [ids])
    .orderBy('id')
    .forUpdate()
    .select('id', 'name', 'description');
}

export async function markGroupsSynced(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db('groups').whereRaw('id = any(?::uuid[])', [ids]).update({ last_synced_at: db.fn.now() });
}
