import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import { decodeCursor, encodeCursor, isTimestamp, isUuid } from '../../infra/http/cursor';
import { containsPattern, type UserRow, userColumns } from '../users/user';

export type ImportedUserSort = 'username' | 'firstName' | 'lastName' | 'email' | 'lastSyncedAt';

export interface ImportedUserQuery {
  search?: string;
  sort: ImportedUserSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/** Each sort key matches an index on (tenant_id, key, id) limited to imported users. */
const sortKeys: Record<ImportedUserSort, { expression: string; cast: string }> = {
  username: { expression: 'lower(username)', cast: 'text' },
  firstName: { expression: 'lower(first_name)', cast: 'text' },
  lastName: { expression: 'lower(last_name)', cast: 'text' },
  email: { expression: 'lower(email)', cast: 'text' },
  lastSyncedAt: { expression: 'last_synced_at', cast: 'timestamptz' },
};

/** Counting stops here: past it a search reports "10,000+" rather than scanning every match. */
export const countCap = 10_000;

/** The imported users of one tenant matching a search: the base of listing and of "sync all matching". */
export function importedUsersMatching(db: Queryable, tenantId: string, search?: string): Knex.QueryBuilder {
  return db('users')
    .where({ tenant_id: tenantId, source: 'azure_ad' })
    .modify((builder) => {
      if (search) builder.whereRaw("search_text like ? escape '\\'", [containsPattern(search)]);
    });
}

export async function countImportedUsers(db: Queryable, tenantId: string, search?: string) {
  if (!search) {
    const row = await db('tenant_user_counts').where({ tenant_id: tenantId }).first('imported_count');
    return { total: Number(row?.imported_count ?? 0), totalIsExact: true };
  }
  const capped = importedUsersMatching(db, tenantId, search)
    .select(db.raw('1'))
    .limit(countCap + 1);
  const row = await db.from(capped.as('matches')).count<{ count: string }[]>({ count: '*' }).first();
  const count = Number(row?.count ?? 0);
  return { total: Math.min(count, countCap), totalIsExact: count <= countCap };
}

/**
 * One page by keyset: the cursor holds the sort key and id of the row a page ended on, so page 2,000
 * costs what page 1 does. A `prev` cursor walks backwards and the page is turned round again.
 */
export async function listImportedUsers(db: Queryable, tenantId: string, query: ImportedUserQuery) {
  const { expression, cast } = sortKeys[query.sort];
  const cursor = checkedCursor(query);
  const backwards = cursor?.[0] === 'prev';
  const ascending = (query.order === 'asc') !== backwards;
  const direction = ascending ? 'asc' : 'desc';
  const rows: Array<UserRow & { sort_key: string }> = await importedUsersMatching(db, tenantId, query.search)
    .select([...userColumns, db.raw(`(${expression})::text as sort_key`)])
    .modify((builder) => {
      if (cursor) {
        builder.whereRaw(`(${expression}, id) ${ascending ? '>' : '<'} (?::${cast}, ?::uuid)`, [
          cursor[2],
          cursor[3],
        ]);
      }
    })
    .orderByRaw(`${expression} ${direction}, id ${direction}`)
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
