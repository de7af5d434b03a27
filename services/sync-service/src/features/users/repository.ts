import type { Queryable } from '../../infra/db/queryable';
import { decodeCursor, encodeCursor, isUuid } from '../../infra/http/cursor';
import { containsPattern, insertedUserColumns, type UserProfile, type UserRow, userColumns } from './user';

export interface UserListQuery {
  source?: 'local' | 'azure_ad';
  search?: string;
  limit: number;
  cursor?: string;
}

/** All users, by username then id, paged by keyset so that deep pages cost what the first one does. */
export async function listUsers(db: Queryable, query: UserListQuery) {
  const after = decodeCursor(query.cursor, 2, ([key, id]) => typeof key === 'string' && isUuid(id));
  const rows: UserRow[] = await db('users')
    .select(userColumns(db))
    .modify((builder) => {
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

export async function insertUser(
  db: Queryable,
  user: UserProfile & { isActive: boolean; source: UserRow['source']; objectId?: string; tenantId?: string },
): Promise<UserRow> {
  const [row] = await db('users')
    .insert({
      username: user.username,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      contact_number: user.contactNumber,
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
