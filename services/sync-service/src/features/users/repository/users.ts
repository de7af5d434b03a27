import type { Knex } from 'knex';
import { contains } from '../../../infra/db/contains';
import type { Queryable } from '../../../infra/db/queryable';
import { reusePlan } from '../../../infra/db/reused-plan';
import { decodeCursor, encodeCursor, isUuid } from '../../../infra/http/cursor';
import { type DuplicateOf, duplicateOf } from '../duplicates';
import { profileColumns, type UserProfile } from '../profile-fields';
import type { UserRow } from '../user';
import { insertedUserColumns, listedUserColumns, stampOfUser, userColumns } from './columns';

/** Users of every source as the users API reads and writes them, and who already holds an email or username. */

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
  const page = db('users')
    .select(listedUserColumns(db, stampOfUser))
    .modify((builder) => {
      if (within) builder.whereIn('id', within);
      if (query.source) builder.where('source', query.source);
      if (query.search) builder.whereRaw(...contains('search_text', query.search));
      if (after) builder.whereRaw('(lower(username), id) > (?, ?::uuid)', after);
    })
    .orderByRaw('lower(username), id')
    .limit(query.limit + 1, { skipBinding: true });
  // A search's plan depends on its pattern, a group's on its size; all users' pages are planned once.
  const rows: UserRow[] = await (query.search || within ? page : reusePlan(page));
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return {
    rows: shown,
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
