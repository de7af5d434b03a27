import type { Queryable } from '../../../infra/db/queryable';

/** What a delta link reads the changes of: each kind has its own round and link (migration 018). */
export type DeltaLinkKind = 'users' | 'groups';

/** The link that reads the tenant's changes of `kind` since the last whole-directory round a run completed. */
export async function findDeltaLink(
  db: Queryable,
  tenantId: string,
  kind: DeltaLinkKind = 'users',
): Promise<string | null> {
  const row: { delta_link: string } | undefined = await db('directory_delta_links')
    .where({ tenant_id: tenantId, kind })
    .first('delta_link');
  return row?.delta_link ?? null;
}

export async function saveDeltaLink(
  db: Queryable,
  tenantId: string,
  deltaLink: string,
  kind: DeltaLinkKind = 'users',
): Promise<void> {
  await db('directory_delta_links')
    .insert({ tenant_id: tenantId, kind, delta_link: deltaLink })
    .onConflict(['tenant_id', 'kind'])
    .merge({ delta_link: deltaLink, updated_at: db.fn.now() });
}
