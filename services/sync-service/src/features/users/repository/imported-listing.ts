import type { Knex } from 'knex';
import type { Queryable } from '../../../infra/db/queryable';
import { reusePlan } from '../../../infra/db/reused-plan';
import { decodeCursor, encodeCursor, isTimestamp, isUuid } from '../../../infra/http/cursor';
import { configuredTenant } from '../../settings/connection-repository';
import { profileFieldTable, type SortableField, sortableFields } from '../profile-fields';
import type { UserRow } from '../user';
import { listedUserColumns, stampOfUser } from './columns';
import { importedCount, importedUsersMatching, type TenantRef } from './imported-users';

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
 */
export async function listImportedUsers(
  db: Queryable,
  tenantId: TenantRef,
  query: ImportedUserQuery,
  { withTotal = false } = {},
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
      // The tenant as the search reads it: a value, or the configured tenant's subquery.
      if (withTotal)
        builder.select({
          page_total: importedCount(db, tenantId),
          page_tenant: db.raw('?::text', [tenantId]),
        });
    })
    .modify((builder) => {
      if (keyset.cursor) {
        builder.whereRaw(`(${expression}, ${id}) ${keyset.ascending ? '>' : '<'} (?::${cast}, ?::uuid)`, [
          keyset.cursor[2],
          keyset.cursor[3],
        ]);
      }
    })
    .orderByRaw(`${expression} ${keyset.direction}, ${id} ${keyset.direction}`)
    .limit(query.limit + 1, { skipBinding: true });
  // A search's plan depends on its pattern; a page without one is planned once for all of its values.
  const rows: Array<PageRow & { page_total?: number | null; page_tenant?: string | null }> =
    await (query.search ? page : reusePlan(page));
  const [first] = rows;
  const total =
    withTotal && first ? cappedTotal(first.page_tenant ?? null, Number(first.page_total ?? 0)) : undefined;
  return { ...pageOf(rows, query, keyset), total };
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
