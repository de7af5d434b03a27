import type { Queryable } from '../../infra/db/queryable';
import { reusePlan } from '../../infra/db/reused-plan';
import { hashToken, newToken } from './tokens';

export interface AdministratorRow {
  id: string;
  username: string;
  password_hash: string;
}

export function findAdministratorByUsername(db: Queryable, username: string) {
  return db<AdministratorRow>('administrators').whereRaw('lower(username) = lower(?)', [username]).first();
}

export async function countAdministrators(db: Queryable): Promise<number> {
  const row = await db('administrators').count<{ count: number }[]>({ count: '*' }).first();
  return Number(row?.count ?? 0);
}

export async function insertAdministrator(db: Queryable, username: string, passwordHash: string) {
  const [row] = await db('administrators').insert({ username, password_hash: passwordHash }).returning('*');
  return row as AdministratorRow;
}

export async function createSession(db: Queryable, administratorId: string, ttlMinutes: number) {
  const token = newToken('ses');
  const expiresAt = new Date(Date.now() + ttlMinutes * 60_000);
  const [row] = await db('sessions')
    .insert({ token_hash: hashToken(token), administrator_id: administratorId, expires_at: expiresAt })
    .returning(['id']);
  return { token, sessionId: row.id as string, expiresAt };
}

export interface SessionLookup {
  session_id: string;
  administrator_id: string;
  username: string;
  expires_at: Date;
}

export function findLiveSession(db: Queryable, token: string) {
  const lookup = db('sessions as s')
    .join('administrators as a', 'a.id', 's.administrator_id')
    .where('s.token_hash', hashToken(token))
    .whereNull('s.revoked_at')
    .where('s.expires_at', '>', db.fn.now())
    .first<SessionLookup | undefined>(
      's.id as session_id',
      'a.id as administrator_id',
      'a.username',
      's.expires_at',
    );
  // Every request of a signed-in administrator runs it: planned once per connection.
  return reusePlan(lookup);
}

export async function revokeSession(db: Queryable, sessionId: string) {
  await db('sessions').where({ id: sessionId }).update({ revoked_at: db.fn.now() });
}
