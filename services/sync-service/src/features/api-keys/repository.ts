import type { Queryable } from '../../infra/db/queryable';
import type { Scope } from '../auth/identity';
import { hashToken, newToken } from '../auth/tokens';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const columns = ['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at'];

export async function createApiKey(db: Queryable, name: string, scopes: Scope[], createdBy: string | null) {
  const key = newToken('azs');
  const [row] = await db('api_keys')
    .insert({
      name,
      scopes: JSON.stringify(scopes),
      prefix: key.slice(0, 10),
      key_hash: hashToken(key),
      created_by: createdBy,
    })
    .returning(columns);
  return { key, apiKey: row as ApiKeyRow };
}

export function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  return db('api_keys').select(columns).orderBy('created_at', 'desc');
}

export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db('api_keys')
    .where({ id })
    .update({ revoked_at: db.raw('coalesce(revoked_at, now())') })
    .returning(columns);
  return row;
}

/** Finds a live key and records its use (at most once a minute, to keep reads cheap). */
export async function useApiKey(db: Queryable, key: string): Promise<ApiKeyRow | undefined> {
  const row: ApiKeyRow | undefined = await db('api_keys')
    .where({ key_hash: hashToken(key) })
    .whereNull('revoked_at')
    .first(columns);
  if (row && (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)) {
    await db('api_keys').where({ id: row.id }).update({ last_used_at: db.fn.now() });
  }
  return row;
}

export function apiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
