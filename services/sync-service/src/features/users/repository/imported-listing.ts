import type { Knex } from 'knex';
import type { Queryable } from '../../../infra/db/queryable';
import { reusePlan } from '../../../infra/db/reused-plan';
import { decodeCursor, encodeCursor, isTimestamp, isUuid } from '../../../infra/http/cursor';
import { configuredTenant } from '../../settings/connection-repository';
import { profileFieldTable, type SortableField, sortableFields } from '../profile-fields';
import type { UserRow } from '../user';
import { listedUserColumns, stampOfUser } from './columns';
import { importedCount, importedRevision, importedUsersMatching, type TenantRef } from './imported-users';
import { type ReadSearch, readSearchesOf } from './read-searches';

/** The imported users' listing: pages by keyset in any sort, searches, and their totals. */

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
    .select({ tenant_id: configuredTenant(db), total: importedCount(db, configuredTenant(db)) })
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
 * `withTotal`: each row also carries the tenant's count and the tenant (read once by the statement), so a
 * page and its total are one statement; a page with no row says nothing of them (`total` undefined).
 * `withRevision`: likewise the tenant and the revision of its imported users (`state`).
 */
export async function listImportedUsers(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery,
  { withTotal = false, withRevision = false } = {},
) {
  const keyset = keysetOf(query);
  const { expression, id, cast } = sortKeys[query.sort];
  const page = importedUsersMatching(db, tenantId, query.search)
    .modify(joinStamps, tenantId, query.sort)
    .select([
      ...listedUserColumns(db, 'user_sync_stamps.synced_at'),
      db.raw(`(${expression})::text as sort_key`),
    ])
    .modify((builder) => {
      if (withTotal) builder.select({ page_total: importedCount(db, tenantId) });
      if (withRevision) builder.select({ page_revision: importedRevision(db, tenantId) });
      // The tenant as the search reads it: a value, or the configured tenant's subquery.
      if (withTotal || withRevision) builder.select({ page_tenant: db.raw('?::text', [tenantId]) });
    })
    .modify((builder) => {
      // The cursor's values are read by the statement (an InitPlan each), as the tenant is: planned for
      // them, a page after a cursor near the start looked cheaper than the plan for any cursor, and each
      // run of the prepared page was planned again (0.3–0.7 ms); now the two plans are the same one.
      if (keyset.cursor) {
        builder.whereRaw(
          `(${expression}, ${id}) ${keyset.ascending ? '>' : '<'} ((select ?::${cast}), (select ?::uuid))`,
          [keyset.cursor[2], keyset.cursor[3]],
        );
      }
    })
    .orderByRaw(`${expression} ${keyset.direction}, ${id} ${keyset.direction}`)
    .limit(query.limit + 1, { skipBinding: true });
  // A search's plan depends on its pattern; a page without one is planned once for all of its values.
  const rows: Array<
    PageRow & { page_total?: number | null; page_tenant?: string | null; page_revision?: string | null }
  > = await (query.search ? page : reusePlan(page));
  const [first] = rows;
  const total =
    withTotal && first ? cappedTotal(first.page_tenant ?? null, Number(first.page_total ?? 0)) : undefined;
  const state =
    withRevision && first
      ? { tenantId: first.page_tenant ?? null, revision: first.page_revision ?? null }
      : undefined;
  return { ...pageOf(rows, query, keyset), total, state };
}

/**
 * A page of a search with its total and tenant. A search sorted by a name is read once, all its matches (up
 * to the cap) in the sort's order with the revision of the tenant's imported users they were read at; its
 * pages and repeats are then taken from what was read, each a statement that fetches the page's users by id
 * and checks that the revision is still the same. A search sorted by last sync (whose stamps every sync
 * renews), or one inside a transaction, is answered in one statement each time (`searchInOneStatement`).
 */
export async function searchImportedUsers(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery & { search: string },
) {
  const searches = query.sort === 'lastSyncedAt' ? undefined : readSearchesOf(db);
  if (!searches) return searchInOneStatement(db, tenantId, query);
  const key = JSON.stringify([typeof tenantId === 'string' ? tenantId : null, query.sort, query.search]);
  const known = searches.get(key);
  const page = known && (await pageOfReadSearch(db, tenantId, query, known));
  if (page) return page;
  const read = await readSearch(db, tenantId, query);
  searches.set(key, read);
  if (read.matched > countCap) {
    return { ...(await listImportedUsers(db, tenantId, query)), ...cappedTotal(read.tenantId, read.matched) };
  }
  // A write between the two statements: the page is read the way that needs no revision.
  return (await pageOfReadSearch(db, tenantId, query, read)) ?? searchInOneStatement(db, tenantId, query);
}

/** The matches of a search, up to one past the cap, each with its sort key, as the sort orders them. */
function searchMatches(db: Queryable, tenantId: TenantRef, query: ImportedUserQuery & { search: string }) {
  // A match's stamp is looked up by its user's id: joined, the planner may read every tenant's stamps.
  const matchKey = query.sort === 'lastSyncedAt' ? stampOfUser : sortKeys[query.sort].expression;
  return importedUsersMatching(db, tenantId, query.search)
    .select('users.id', db.raw(`${matchKey} as sort_key`))
    .limit(countCap + 1);
}

/** The tenant a statement reads and the revision of its imported users (migration 031), as text. */
function tenantRevision(db: Queryable, tenantId: TenantRef) {
  return {
    tenant: db.raw('?::text', [tenantId]),
    revision: importedRevision(db, tenantId),
  };
}

/**
 * All the matches of a search in its sort's order, when there are no more than the cap, with their count,
 * tenant and revision, read in one statement. Past the cap only the count is read.
 */
async function readSearch(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery & { search: string },
): Promise<ReadSearch> {
  const result: {
    rows: Array<{
      matched: number;
      tenant: string | null;
      revision: string | null;
      matches: Array<[string, string]> | null;
    }>;
  } = await db.raw(
    `with matches as ?, tally as (select count(*)::int as matched from matches)
     select tally.matched, counted.*,
       case when tally.matched <= ? then
         (select json_agg(json_build_array(id, sort_key) order by sort_key, id) from matches)
       end as matches
     from tally, ? as counted`,
    [searchMatches(db, tenantId, query), countCap, db.select(tenantRevision(db, tenantId))],
  );
  const [{ matched, tenant, revision, matches }] = result.rows;
  return { matched, tenantId: tenant, revision, matches: matches ?? [] };
}

/**
 * The page a cursor asks for, taken from a search read before, with the page's users as they are now; none
 * when the tenant or its revision is no longer the one the search was read at, or when the cursor's row is
 * not among the matches (it was read before a change the search has since been read again after).
 */
async function pageOfReadSearch(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery & { search: string },
  read: ReadSearch,
) {
  if (read.matched > countCap) return pageOfBroadSearch(db, tenantId, query, read);
  const keyset = keysetOf(query);
  const slice = sliceOf(read.matches, keyset, query.limit + 1);
  if (!slice) return undefined;
  const ids = slice.map(([id]) => id);
  const users = importedUsersMatching(db, tenantId)
    .join('user_sync_stamps', 'user_sync_stamps.user_id', 'users.id')
    .whereRaw('users.id = any(?::uuid[])', [ids])
    .select([
      ...listedUserColumns(db, 'user_sync_stamps.synced_at'),
      db.raw(`(${sortKeys[query.sort].expression})::text as sort_key`),
    ]);
  const result: { rows: Array<PageRow & { tenant: string | null; revision: string | null }> } =
    await reusePlan(
      db.raw('select state.*, listed.* from ? as state left join lateral ? as listed on true', [
        db.select(tenantRevision(db, tenantId)),
        users,
      ]),
    );
  const { rows } = result;
  const [state] = rows;
  if (state.tenant !== read.tenantId || state.revision !== read.revision) return undefined;
  const byId = new Map(rows.filter((row) => row.id !== null).map((row) => [row.id, row]));
  const page = ids.map((id) => byId.get(id));
  if (page.some((row) => row === undefined)) return undefined;
  return { ...pageOf(page as PageRow[], query, keyset), ...cappedTotal(read.tenantId, read.matched) };
}

/**
 * A page of a search read before with more matches than the cap (none of them kept): the walk of the sort's
 * index, with the tenant and its revision read by the same statement; none when they moved, or when the
 * page has no row to carry them.
 */
async function pageOfBroadSearch(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery & { search: string },
  read: ReadSearch,
) {
  const { state, ...page } = await listImportedUsers(db, tenantId, query, { withRevision: true });
  if (state?.tenantId !== read.tenantId || state.revision !== read.revision) return undefined;
  return { ...page, ...cappedTotal(read.tenantId, read.matched) };
}

/**
 * Up to `size` matches after the cursor's in the walk's direction (the first ones without a cursor); none
 * when the cursor's row, with the key it was listed with, is not among the matches.
 */
function sliceOf(matches: ReadSearch['matches'], { cursor, ascending }: Keyset, size: number) {
  let at: number | undefined;
  if (cursor) {
    const [, , key, id] = cursor;
    at = matches.findIndex(([matchId, matchKey]) => matchId === id && matchKey === key);
    if (at < 0) return undefined;
  }
  if (ascending) {
    const start = at === undefined ? 0 : at + 1;
    return matches.slice(start, start + size);
  }
  const end = at ?? matches.length;
  return matches.slice(Math.max(0, end - size), end).reverse();
}

/**
 * A page of a search with its total and tenant, in one statement. The matches, up to one past the cap,
 * are read once through the trigram index and serve both the count and, when they are all there, the page:
 * its rows are the first of the matches in the sort's order. A broad search, with more matches than the
 * cap, takes its page from a walk of the sort's index instead, where matches come often enough to fill a
 * page soon; its total is the cap.
 */
async function searchInOneStatement(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery & { search: string },
) {
  const keyset = keysetOf(query);
  const { expression, cast } = sortKeys[query.sort];
  const firstMatches = db
    .from('matches')
    .select('id', 'sort_key')
    .whereRaw('(select matched from tally) <= ?', [countCap])
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
    .select([
      ...listedUserColumns(db, 'user_sync_stamps.synced_at'),
      db.raw(`(${expression})::text as sort_key`),
      'page.sort_key as page_key',
    ]);
  const result: { rows: Array<PageRow & { matched: number; configured_tenant: string | null }> } =
    await db.raw(
      `with matches as ?, tally as (select count(*)::int as matched from matches), page as ?
       select counted.matched, counted.configured_tenant, paged.*
       from (select matched, ?::text as configured_tenant from tally) as counted
         left join lateral ? as paged on true
       order by paged.page_key ${keyset.direction}, paged.id ${keyset.direction}`,
      [searchMatches(db, tenantId, query), firstMatches, tenantId, pageRows],
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
