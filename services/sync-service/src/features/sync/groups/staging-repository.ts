import type { Queryable } from '../../../infra/db/queryable';
import type { GroupUpstream, SelectedGroup } from './outcomes';

/** Every query on `sync_run_group_staging` (migration 025): groups whose sync waits for the threshold. */

export interface StagedGroup extends SelectedGroup {
  /** Memberships its sync would remove: what the threshold counts. */
  removals: number;
  upstream: GroupUpstream;
}

export async function stageGroups(db: Queryable, runId: string, groups: StagedGroup[]): Promise<void> {
  if (groups.length === 0) return;
  await db('sync_run_group_staging').insert(
    groups.map((group) => ({
      run_id: runId,
      group_id: group.id,
      object_id: group.objectId,
      removals: group.removals,
      upstream: JSON.stringify(group.upstream),
    })),
  );
}

/** Removes the staged groups a chunk resolved, in its transaction. */
export async function unstageGroups(db: Queryable, runId: string, groupIds: string[]): Promise<void> {
  if (groupIds.length === 0) return;
  await db('sync_run_group_staging')
    .where({ run_id: runId })
    .whereRaw('group_id = any(?::uuid[])', [groupIds])
    .delete();
}

/** The next staged groups, in group id order. */
export async function nextStagedGroups(db: Queryable, runId: string, limit: number): Promise<StagedGroup[]> {
  const rows: Array<{ group_id: string; object_id: string; removals: number; upstream: GroupUpstream }> =
    await db('sync_run_group_staging')
      .where({ run_id: runId })
      .orderBy('group_id')
      .limit(limit)
      .select('group_id', 'object_id', 'removals', 'upstream');
  return rows.map((row) => ({
    id: row.group_id,
    objectId: row.object_id,
    removals: Number(row.removals),
    upstream: row.upstream,
  }));
}

/** Memberships the staged groups' syncs would remove. */
export async function stagedRemovals(db: Queryable, runId: string): Promise<number> {
  const row = await db('sync_run_group_staging')
    .where({ run_id: runId })
    .sum<{ total: string | number | null }[]>({ total: 'removals' })
    .first();
  return Number(row?.total ?? 0);
}
