import type { Queryable } from '../../../infra/db/queryable';

/** The link that reads the tenant's changes since the last whole-directory round a run completed. */
export async function findDeltaLink(db: Queryable, tenantId: string): Promise<string | null> {
  const row: { delta_link: string } | undefined = await db('directory_delta_links')
    .where({ tenant_id: tenantId })
    .first('delta_link');
  return row?.delta_link ?? null;
}

export async function saveDeltaLink(db: Queryable, tenantId: string, deltaLink: string): Promise<void> {
  await db('directory_delta_links')
    .insert({ tenant_id: tenantId, delta_link: deltaLink })
    .onConflict('tenant_id')
    .merge({ delta_link: deltaLink, updated_at: db.fn.now() });
}
