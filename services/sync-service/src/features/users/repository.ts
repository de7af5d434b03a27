import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import { decodeCursor, encodeCursor, isTimestamp, isUuid } from '../../infra/http/cursor';
import { configuredTenant } from '../settings/connection-repository';
import { type DuplicateOf, duplicateOf } from './duplicates';
import {
  profileColumnNames,
  profileColumns,
  profileFieldTable,
  type SortableField,
  sortableFields,
  type UserProfile,
} from './profile-fields';
import type { KeyHolder, UserRow } from './user';

/**
 * Every query on `users` and on the stamps beside it (`user_sync_stamps`, `tenant_user_counts`): the local
 * users' API, import, the imported users' listing and what a sync run reads and writes.
 */

// ---- Columns ----------------------------------------------------------------------------------------

/** The columns of the `users` table. */
const tableColumns = [
  'id',
  ...profileColumnNames,
  'is_active',
  'source',
  'object_id',
  'tenant_id',
  'created_at',
  'updated_at',
];

/** When a user of `users` was last synchronized (migration 008). */
const stampOfUser = '(select synced_at from user_sync_stamps where user_id = users.id)';

/** A user as read from `users`: its columns, and when it was last synchronized. */
function userColumns(db: Queryable) {
  return [...tableColumns, db.raw(`${stampOfUser} as last_synced_at`)];
}

/** A user as read with its stamp joined (`join user_sync_stamps`): what a listing sorted by it needs. */
const joinedUserColumns = [
  ...tableColumns.map((column) => `users.${column}`),
  'user_sync_stamps.synced_at as last_synced_at',
];

/**
 * A user as returned by the insert that created it: an imported user is stamped by the insert itself
 * (a trigger running at the end of the statement, so after RETURNING), at the transaction's time.
 */
function insertedUserColumns(db: Queryable) {
  return [...tableColumns, db.raw("case when source = 'azure_ad' then now() end as last_synced_at")];
}

/** Escapes LIKE wildcards so a search matches its text literally. */
export function containsPattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

// ---- All users (the users API) ----------------------------------------------------------------------

export interface UserListQuery {
  source?: 'local' | 'azure_ad';
  search?: string;
  limit: number;
  cursor?: string;
}

/**
 * All users, by username then id, paged by keyset so that deep pages cost what the first one does; with
 * `within`, a subquery yielding user ids, only those users (a group's members).
 */
export async function listUsers(db: Queryable, query: UserListQuery, within?: Knex.QueryBuilder) {
  const after = decodeCursor(query.cursor, 2, ([key, id]) => typeof key === 'string' && isUuid(id));
  const rows: UserRow[] = await db('users')
    .select(userColumns(db))
    .modify((builder) => {
      if (within) builder.whereIn('id', within);
      if (query.source) builder.where('source', query.source);
      if (query.search) builder.whereRaw("search_text like ? escape '\\'", [containsPattern(query.search)]);
      if (after) builder.whereRaw('(lower(username), id) > (?, ?::uuid)', after);
    })
    .orderByRaw('lower(username), id')
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor:
      rows.length > query.limit && last ? encodeCursor([last.username.toLowerCase(), last.id]) : null,
  };
}

export function findUser(db: Queryable, id: string): Promise<UserRow | undefined> {
  return db('users').where({ id }).first(userColumns(db));
}

/** Those of these user ids that exist. */
export async function existingUserIds(db: Queryable, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows: Array<{ id: string }> = await db('users')
    .whereRaw('id = any(?::uuid[])', [userIds])
    .select('id');
  return rows.map((row) => row.id);
}

export async function insertUser(
  db: Queryable,
  user: UserProfile & { isActive: boolean; source: UserRow['source']; objectId?: string; tenantId?: string },
): Promise<UserRow> {
  const [row] = await db('users')
    .insert({
      ...profileColumns(user),
      is_active: user.isActive,
      source: user.source,
      object_id: user.objectId ?? null,
      tenant_id: user.tenantId ?? null,
    })
    .returning(insertedUserColumns(db));
  return row;
}

export async function updateUser(
  db: Queryable,
  id: string,
  columns: Record<string, unknown>,
): Promise<UserRow> {
  const [row] = await db('users')
    .where({ id })
    .update({ ...columns, updated_at: db.fn.now() })
    .returning(userColumns(db));
  return row;
}

export async function deleteUser(db: Queryable, id: string): Promise<void> {
  await db('users').where({ id }).delete();
}

// ---- Collisions -------------------------------------------------------------------------------------

interface Candidate {
  username: string;
  email: string;
}

/**
 * Finds, for many candidates at once, another user holding the same email or username. One query for the
 * whole list keeps import and sync from asking the database once per user.
 */
export async function findCollisions(
  db: Queryable,
  candidates: ReadonlyArray<Candidate & { excludeUserId?: string }>,
): Promise<Array<DuplicateOf | null>> {
  if (candidates.length === 0) return [];
  const emails = [...new Set(candidates.map((candidate) => candidate.email.toLowerCase()))];
  const usernames = [...new Set(candidates.map((candidate) => candidate.username.toLowerCase()))];
  const holders: Array<{ id: string; username: string; email: string }> = await db('users')
    .select('id', 'username', 'email')
    .whereRaw('lower(email) = any(?)', [emails])
    .orWhereRaw('lower(username) = any(?)', [usernames]);
  const byEmail = new Map(holders.map((holder) => [holder.email.toLowerCase(), holder]));
  const byUsername = new Map(holders.map((holder) => [holder.username.toLowerCase(), holder]));
  return candidates.map((candidate) => {
    const sameEmail = byEmail.get(candidate.email.toLowerCase());
    if (sameEmail && sameEmail.id !== candidate.excludeUserId) return duplicateOf(sameEmail, 'email');
    const sameUsername = byUsername.get(candidate.username.toLowerCase());
    if (sameUsername && sameUsername.id !== candidate.excludeUserId)
      return duplicateOf(sameUsername, 'username');
    return null;
  });
}

// ---- Imported users ---------------------------------------------------------------------------------

/** A tenant id, or a subquery that yields one (the configured tenant, read in the same statement). */
export type TenantRef = string | Knex.QueryBuilder;

/** The imported users of one tenant matching a search: the base of listing and of "sync all matching". */
export function importedUsersMatching(
  db: Queryable,
  tenantId: TenantRef,
  search?: string,
): Knex.QueryBuilder {
  return db('users')
    .where('users.tenant_id', tenantId)
    .where({ source: 'azure_ad' })
    .modify((builder) => {
      if (search) builder.whereRaw("search_text like ? escape '\\'", [containsPattern(search)]);
    });
}

/** The imported users of the tenant among these user ids. */
export function importedUsersByIds(db: Queryable, tenantId: string, userIds: string[]): Knex.QueryBuilder {
  return db('users')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .whereRaw('id = any(?::uuid[])', [userIds]);
}

/**
 * The imported users of the tenant, named `u`, for queries that combine them with a run's staged users
 * (migration 006).
 */
export function importedUsersAsU(db: Queryable, tenantId: string): Knex.QueryBuilder {
  return db('users as u').where({ 'u.tenant_id': tenantId, 'u.source': 'azure_ad' });
}

/** The imported users of the tenant among these object ids; directory users never imported are not here. */
export async function importedUsersByObjectIds(
  db: Queryable,
  tenantId: string,
  objectIds: string[],
): Promise<Array<{ id: string; object_id: string; username: string; email: string }>> {
  if (objectIds.length === 0) return [];
  return db('users')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .whereRaw('object_id = any(?::text[])', [objectIds])
    .select('id', 'object_id', 'username', 'email');
}

export interface StoredMemberRow {
  group_id: string;
  user_id: string;
  object_id: string | null;
  username: string;
  email: string;
}

/**
 * The users who are members of these groups (`group_members`, see groups/member-repository.ts), with what a
 * group sync compares and reports of them; with `objectIds`, only those among these object ids (a delta
 * round's changes name a few members of a large group).
 */
export async function membersOfGroups(
  db: Queryable,
  groupIds: string[],
  objectIds?: string[],
): Promise<StoredMemberRow[]> {
  if (groupIds.length === 0 || objectIds?.length === 0) return [];
  return db('group_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .whereRaw('m.group_id = any(?::uuid[])', [groupIds])
    .modify((query) => {
      if (objectIds) query.whereRaw('u.object_id = any(?::text[])', [objectIds]);
    })
    .orderBy(['m.group_id', 'u.id'])
    .select('m.group_id', 'm.user_id', 'u.object_id', 'u.username', 'u.email');
}

/**
 * Inserts imported users of a tenant. A user whose email or username a concurrent request has taken since
 * the caller checked is skipped, not refused: the caller finds it absent from the rows returned.
 */
export async function insertImportedUsers(
  db: Queryable,
  tenantId: string,
  users: ReadonlyArray<{ objectId: string; profile: UserProfile; disabled?: boolean }>,
): Promise<UserRow[]> {
  if (users.length === 0) return [];
  return db('users')
    .insert(
      users.map(({ objectId, profile, disabled }) => ({
        ...profileColumns(profile),
        // Disabled in Azure AD under `accountState: sync`: inactive, and marked so sync reactivates it.
        is_active: !disabled,
        deactivated_by_sync: disabled === true,
        source: 'azure_ad',
        object_id: objectId,
        tenant_id: tenantId,
      })),
    )
    .onConflict()
    .ignore()
    .returning(insertedUserColumns(db));
}

export type ImportedUserSort = SortableField | 'lastSyncedAt';

export interface ImportedUserQuery {
  search?: string;
  sort: ImportedUserSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/**
 * Each sort by a name matches an index on (tenant_id, key, id) of imported users; the sort by sync time
 * matches the index on (tenant_id, synced_at, user_id) of user_sync_stamps (migration 021).
 */
const sortKeys: Record<ImportedUserSort, { expression: string; id: string; cast: string }> = {
  ...(Object.fromEntries(
    sortableFields.map((field) => [
      field,
      { expression: `lower(users.${profileFieldTable[field].column})`, id: 'users.id', cast: 'text' },
    ]),
  ) as Record<SortableField, { expression: string; id: string; cast: string }>),
  lastSyncedAt: {
    expression: 'user_sync_stamps.synced_at',
    id: 'user_sync_stamps.user_id',
    cast: 'timestamptz',
  },
};

/** Counting stops here: past it a search reports "10,000+" rather than scanning every match. */
export const countCap = 10_000;

/** A listing's total, at most the cap, with the tenant it belongs to. */
function cappedTotal(tenantId: string | null, total: number) {
  return { tenantId, total: Math.min(total, countCap), totalIsExact: total <= countCap };
}

/** The total of a listing without a search, exact from the trigger-kept counter, with its tenant. */
export async function countImportedUsers(db: Queryable) {
  const row: { tenant_id: string | null; total: number | null } = await db
    .select({
      tenant_id: configuredTenant(db),
      total: db('tenant_user_counts').select('imported_count').where('tenant_id', configuredTenant(db)),
    })
    .first();
  return cappedTotal(row.tenant_id, Number(row.total ?? 0));
}

/** Where a page starts and which way it walks. */
function keysetOf(query: ImportedUserQuery) {
  const cursor = checkedCursor(query);
  const backwards = cursor?.[0] === 'prev';
  const ascending = (query.order === 'asc') !== backwards;
  return { cursor, backwards, ascending, direction: ascending ? 'asc' : 'desc' };
}

type Keyset = ReturnType<typeof keysetOf>;
type PageRow = UserRow & { sort_key: string };

/**
 * The stamps joined to the users: by the stamps' tenant too when sorting by them, so that the sort walks
 * the configured tenant's stamps only (its index starts with the tenant).
 */
function joinStamps(builder: Knex.QueryBuilder, tenantId: TenantRef, sort: ImportedUserSort) {
  builder.join('user_sync_stamps', 'user_sync_stamps.user_id', 'users.id');
  if (sort === 'lastSyncedAt') builder.where('user_sync_stamps.tenant_id', tenantId);
}

/**
 * One page by keyset: the cursor holds the sort key and id of the row a page ended on, so page 2,000
 * costs what page 1 does. A `prev` cursor walks backwards and the page is turned round again.
 */
export async function listImportedUsers(db: Queryable, tenantId: TenantRef, query: ImportedUserQuery) {
  const keyset = keysetOf(query);
  const { expression, id, cast } = sortKeys[query.sort];
  const rows: PageRow[] = await importedUsersMatching(db, tenantId, query.search)
    .modify(joinStamps, tenantId, query.sort)
    .select([...joinedUserColumns, db.raw(`(${expression})::text as sort_key`)])
    .modify((builder) => {
      if (keyset.cursor) {
        builder.whereRaw(`(${expression}, ${id}) ${keyset.ascending ? '>' : '<'} (?::${cast}, ?::uuid)`, [
          keyset.cursor[2],
          keyset.cursor[3],
        ]);
      }
    })
    .orderByRaw(`${expression} ${keyset.direction}, ${id} ${keyset.direction}`)
    .limit(query.limit + 1);
  return pageOf(rows, query, keyset);
}

/**
 * A page of a search with its total and tenant, in one statement. The matches, up to one past the cap,
 * are read once through the trigram index and serve both the count and, when they are all there, the page:
 * its rows are the first of the matches in the sort's order. A broad search, with more matches than the
 * cap, takes its page from a walk of the sort's index instead, where matches come often enough to fill a
 * page soon; its total is the cap.
 */
export async function searchImportedUsers(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery & { search: string },
) {
  const keyset = keysetOf(query);
  const { expression, cast } = sortKeys[query.sort];
  // A match's stamp is looked up by its user's id: joined, the planner may read every tenant's stamps.
  const matchKey = query.sort === 'lastSyncedAt' ? stampOfUser : expression;
  const matches = importedUsersMatching(db, tenantId, query.search)
    .select('users.id', db.raw(`${matchKey} as sort_key`))
    .limit(countCap + 1);
  const firstMatches = db
    .from('matches')
    .select('id', 'sort_key')
    .whereRaw('(select count(*) from matches) <= ?', [countCap])
    .modify((builder) => {
      if (keyset.cursor) {
        builder.whereRaw(`(sort_key, id) ${keyset.ascending ? '>' : '<'} (?::${cast}, ?::uuid)`, [
          keyset.cursor[2],
          keyset.cursor[3],
        ]);
      }
    })
    .orderByRaw(`sort_key ${keyset.direction}, id ${keyset.direction}`)
    .limit(query.limit + 1);
  const pageRows = db
    .from('page')
    .join('users', 'users.id', 'page.id')
    .join('user_sync_stamps', 'user_sync_stamps.user_id', 'users.id')
    .select([...joinedUserColumns, db.raw(`(${expression})::text as sort_key`), 'page.sort_key as page_key']);
  const result: { rows: Array<PageRow & { matched: number; configured_tenant: string | null }> } =
    await db.raw(
      `with matches as ?, page as ?
       select counted.matched, counted.configured_tenant, paged.*
       from (select (select count(*) from matches)::int as matched, ?::text as configured_tenant) as counted
         left join lateral ? as paged on true
       order by paged.page_key ${keyset.direction}, paged.id ${keyset.direction}`,
      [matches, firstMatches, tenantId, pageRows],
    );
  const [{ matched, configured_tenant }] = result.rows;
  const count = cappedTotal(configured_tenant, matched);
  if (!count.totalIsExact) return { ...(await listImportedUsers(db, tenantId, query)), ...count };
  const rows = result.rows.filter((row) => row.id !== null);
  return { ...pageOf(rows, query, keyset), ...count };
}

/** The page's rows, turned round when it was walked backwards, and the cursors to either side of it. */
function pageOf(rows: PageRow[], query: ImportedUserQuery, { cursor, backwards }: Keyset) {
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  const hasNext = backwards ? cursor !== null : hasMore;
  const hasPrev = backwards ? hasMore : cursor !== null;
  return {
    rows: page as UserRow[],
    nextCursor: hasNext && last ? encodeCursor(['next', query.sort, last.sort_key, last.id]) : null,
    prevCursor: hasPrev && first ? encodeCursor(['prev', query.sort, first.sort_key, first.id]) : null,
  };
}

/** A cursor is only good for the sort it came from. */
function checkedCursor(query: ImportedUserQuery) {
  return decodeCursor(query.cursor, 4, ([direction, sort, key, id]) => {
    const validKey = typeof key === 'string' && (query.sort !== 'lastSyncedAt' || isTimestamp(key));
    return (direction === 'next' || direction === 'prev') && sort === query.sort && validKey && isUuid(id);
  });
}

// ---- What a sync run reads and writes ---------------------------------------------------------------

/** A user row with what only sync reads: whether sync deactivated it (migration 006). */
export type SyncableUserRow = UserRow & { deactivated_by_sync: boolean };

/**
 * Locks the imported users of a chunk for the chunk's transaction and reads them as they are now, so the
 * "before" of every change is the truth at the moment of writing. Users gone or moved to another tenant
 * since the chunk was read are simply absent.
 */
export async function lockImportedUsers(
  db: Queryable,
  tenantId: string,
  userIds: string[],
): Promise<SyncableUserRow[]> {
  if (userIds.length === 0) return [];
  // By primary key alone: with the tenant in the condition, a planner without fresh statistics (right
  // after a bulk import) may walk every user of the tenant to find these few thousand.
  const rows: SyncableUserRow[] = await db('users')
    .select([...userColumns(db), 'deactivated_by_sync'])
    .whereRaw('id = any(?::uuid[])', [userIds])
    .orderBy('id')
    .forUpdate();
  return rows.filter((row) => row.source === 'azure_ad' && row.tenant_id === tenantId);
}

export type WantedKeys = ReadonlyArray<{ email: string; username: string }>;

/** The distinct emails and usernames wanted, lower-cased as the unique indexes compare them. */
export function lowerCaseKeys(wanted: WantedKeys): { emails: string[]; usernames: string[] } {
  return {
    emails: [...new Set(wanted.map((profile) => profile.email.toLowerCase()))],
    usernames: [...new Set(wanted.map((profile) => profile.username.toLowerCase()))],
  };
}

/** Every user holding one of these emails or usernames (case-insensitively), in one query. */
export async function findKeyHolders(
  db: Queryable,
  tenantId: string,
  wanted: WantedKeys,
): Promise<KeyHolder[]> {
  if (wanted.length === 0) return [];
  const { emails, usernames } = lowerCaseKeys(wanted);
  const rows: Array<{
    id: string;
    username: string;
    email: string;
    source: string;
    tenant_id: string | null;
  }> = await db('users')
    .select('id', 'username', 'email', 'source', 'tenant_id')
    .whereRaw('lower(email) = any(?)', [emails])
    .orWhereRaw('lower(username) = any(?)', [usernames]);
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    email: row.email,
    mayMove: row.source === 'azure_ad' && row.tenant_id === tenantId,
  }));
}

/** A string no real email or username can be: used to park a key during an exchange. */
const parkedKey = "chr(1) || 'sync-parked:' || u.id::text";

/**
 * Writes new profiles in two multi-row statements. The unique indexes on lower(email) and lower(username)
 * are checked row by row and cannot be deferred, so a batch where two users exchange an email would trip
 * them half-way; first every changing email/username is parked on a value unique to its row, then all
 * are set to their final values. Both happen in the caller's transaction, so nobody sees the parked values.
 */
export async function writeProfiles(
  db: Queryable,
  updates: ReadonlyArray<{ userId: string; profile: UserProfile }>,
): Promise<void> {
  if (updates.length === 0) return;
  const values = JSON.stringify(
    updates.map(({ userId, profile }) => ({ id: userId, ...profileColumns(profile) })),
  );
  const target = `jsonb_to_recordset(?::jsonb) as v(id uuid, ${profileColumnNames.map((column) => `${column} text`).join(', ')})`;
  await db.raw(
    `update users as u set
       email = case when lower(u.email) <> lower(v.email) then ${parkedKey} else u.email end,
       username = case when lower(u.username) <> lower(v.username) then ${parkedKey} else u.username end
     from ${target}
     where u.id = v.id and (lower(u.email) <> lower(v.email) or lower(u.username) <> lower(v.username))`,
    [values],
  );
  await db.raw(
    `update users as u set
       ${profileColumnNames.map((column) => `${column} = v.${column}`).join(', ')}, updated_at = now()
     from ${target}
     where u.id = v.id`,
    [values],
  );
  await markSynced(
    db,
    updates.map((update) => update.userId),
  );
}

/**
 * Stamps users as synchronized now (migration 008). Users found equal to Azure AD are stamped beside the
 * chunk's transaction, overlapping the next chunk: the stamp changes no profile field, and a process killed
 * in between leaves an older lastSyncedAt on some unchanged users, nothing else.
 */
export async function markSynced(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('user_sync_stamps')
    .whereRaw('user_id = any(?::uuid[])', [userIds])
    .update({ synced_at: db.fn.now() });
}

export async function deleteUsers(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('users').whereRaw('id = any(?::uuid[])', [userIds]).delete();
}

/**
 * Policy `deactivate` (gone upstream) or `accountState: sync` (disabled upstream): the user stays, inactive,
 * marked so that sync may reactivate it when it comes back or is enabled again.
 */
export async function deactivateUsers(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('users')
    .whereRaw('id = any(?::uuid[])', [userIds])
    .update({ is_active: false, deactivated_by_sync: true, updated_at: db.fn.now() });
}

/** Users sync had deactivated, found upstream again (restored within Azure AD's 30 days) or enabled again. */
export async function reactivateUsers(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db('users')
    .whereRaw('id = any(?::uuid[])', [userIds])
    .where({ deactivated_by_sync: true })
    .update({ is_active: true, deactivated_by_sync: false, updated_at: db.fn.now() });
}
