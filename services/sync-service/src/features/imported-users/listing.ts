import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import { decodeCursor, encodeCursor, isTimestamp, isUuid } from '../../infra/http/cursor';
import { containsPattern, joinedUserColumns, type UserRow } from '../users/user';

export type ImportedUserSort = 'username' | 'firstName' | 'lastName' | 'email' | 'lastSyncedAt';

export interface ImportedUserQuery {
  search?: string;
  sort: ImportedUserSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/**
 * Each sort by a name matches an index on (tenant_id, key, id) of imported users; the sort by sync time
 * matches the index on (synced_at, user_id) of user_sync_stamps (migration 008).
 */
const sortKeys: Record<ImportedUserSort, { expression: string; id: string; cast: string }> = {
  username: { expression: 'lower(users.username)', id: 'users.id', cast: 'text' },
  firstName: { expression: 'lower(users.first_name)', id: 'users.id', cast: 'text' },
  lastName: { expression: 'lower(users.last_name)', id: 'users.id', cast: 'text' },
  email: { expression: 'lower(users.email)', id: 'users.id', cast: 'text' },
  lastSyncedAt: {
    expression: 'user_sync_stamps.synced_at',
    id: 'user_sync_stamps.user_id',
    cast: 'timestamptz',
  },
};

/** Counting stops here: past it a search reports "10,000+" rather than scanning every match. */
export const countCap = 10_000;

/** A tenant id, or a subquery that yields one (the configured tenant, read in the same statement). */
type TenantRef = string | Knex.QueryBuilder;

/** The tenant configured now, as a subquery: listing needs no separate round trip to learn it. */
export function configuredTenant(db: Queryable): Knex.QueryBuilder {
  return db('azure_ad_connection').select('tenant_id').where({ id: 1 });
}

/** The imported users of one tenant matching a search: the base of listing and of "sync all matching". */
export function importedUsersMatching(
  db: Queryable,
  tenantId: TenantRef,
  search?: string,
): Knex.QueryBuilder {
  return db('users')
    .where('tenant_id', tenantId)
    .where({ source: 'azure_ad' })
    .modify((builder) => {
      if (search) builder.whereRaw("search_text like ? escape '\\'", [containsPattern(search)]);
    });
}

/**
 * The total for a listing, with the configured tenant it belongs to, in one statement: exact from the
 * trigger-kept counter without a search, a capped count with one.
 */
export async function countImportedUsers(db: Queryable, search?: string) {
  const tenant = configuredTenant(db);
  const count = search
    ? db
        .from(
          importedUsersMatching(db, tenant, search)
            .select(db.raw('1'))
            .limit(countCap + 1)
            .as('matches'),
        )
        .count('*')
    : db('tenant_user_counts').select('imported_count').where('tenant_id', configuredTenant(db));
  const row: { tenant_id: string | null; total: number | null } = await db
    .select({ tenant_id: tenant, total: count })
    .first();
  const total = Number(row.total ?? 0);
  return {
    tenantId: row.tenant_id,
    total: Math.min(total, countCap),
    totalIsExact: total <= countCap,
  };
}

/**
 * One page by keyset: the cursor holds the sort key and id of the row a page ended on, so page 2,000
 * costs what page 1 does. A `prev` cursor walks backwards and the page is turned round again.
 */
export async function listImportedUsers(db: Queryable, tenantId: TenantRef, query: ImportedUserQuery) {
  const { expression, id, cast } = sortKeys[query.sort];
  const cursor = checkedCursor(query);
  const backwards = cursor?.[0] === 'prev';
  const ascending = (query.order === 'asc') !== backwards;
  const direction = ascending ? 'asc' : 'desc';
  const rows: Array<UserRow & { sort_key: string }> = await importedUsersMatching(db, tenantId, query.search)
    .join('user_sync_stamps', 'user_sync_stamps.user_id', 'users.id')
    .select([...joinedUserColumns, db.raw(`(${expression})::text as sort_key`)])
    .modify((builder) => {
      if (cursor) {
        builder.whereRaw(`(${expression}, ${id}) ${ascending ? '>' : '<'} (?::${cast}, ?::uuid)`, [
          cursor[2],
          cursor[3],
        ]);
      }
    })
    .orderByRaw(`${expression} ${direction}, ${id} ${direction}`)
    .limit(query.limit + 1);
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
