import { contains } from '../../../infra/db/contains';
import type { Queryable } from '../../../infra/db/queryable';
import { decodeCursor, encodeCursor } from '../../../infra/http/cursor';
import { itemIdsWithOutcomes } from '../runs/item-repository';
import type { SyncOutcome } from '../runs/outcomes';
import type { GroupItem, MembershipCounts } from './plan';

/** Every query on `sync_run_group_items` and the membership counters of a run (migration 023). */

export interface GroupItemRow {
  id: number | string;
  run_id: string;
  group_id: string;
  object_id: string;
  name: string;
  outcome: SyncOutcome;
  changes: GroupItem['changes'];
  members: GroupItem['members'];
  duplicate_of: GroupItem['duplicateOf'];
  failure: GroupItem['failure'];
  applied: boolean;
}

export async function insertGroupItems(db: Queryable, runId: string, items: GroupItem[]): Promise<void> {
  if (items.length === 0) return;
  await db('sync_run_group_items').insert(
    items.map((item) => ({
      run_id: runId,
      group_id: item.groupId,
      object_id: item.objectId,
      name: item.name,
      outcome: item.outcome,
      changes: JSON.stringify(item.changes),
      members: JSON.stringify(item.members),
      duplicate_of: item.duplicateOf ? JSON.stringify(item.duplicateOf) : null,
      failure: item.failure ? JSON.stringify(item.failure) : null,
      applied: item.applied,
    })),
  );
}

/** Adds one chunk's membership counts to the run, in the chunk's transaction. */
export async function addMembershipCounts(
  db: Queryable,
  runId: string,
  counts: MembershipCounts,
): Promise<void> {
  await db('sync_runs')
    .where({ id: runId })
    .update({
      members_added: db.raw('members_added + ?', [counts.membersAdded]),
      members_removed: db.raw('members_removed + ?', [counts.membersRemoved]),
      users_created: db.raw('users_created + ?', [counts.usersCreated]),
    });
}

/** The distinct groups of a run's group items with any of these outcomes, in group id order (a re-run). */
export const groupIdsWithOutcomes = (db: Queryable, runId: string, outcomes: SyncOutcome[]) =>
  itemIdsWithOutcomes(db, { table: 'sync_run_group_items', column: 'group_id' }, runId, outcomes);

/**
 * One page of a run's group items in id order, optionally of some outcomes only, and of groups whose name
 * before the run or the name the run gave them contains `search`.
 */
export async function listGroupItems(
  db: Queryable,
  runId: string,
  query: { outcomes?: SyncOutcome[]; search?: string; limit: number; cursor?: string },
) {
  const after = decodeCursor(query.cursor, 1, ([id]) => typeof id === 'number' && Number.isSafeInteger(id));
  const rows: GroupItemRow[] = await db('sync_run_group_items')
    .where({ run_id: runId })
    .modify((builder) => {
      if (query.outcomes && query.outcomes.length > 0) builder.whereIn('outcome', query.outcomes);
      // Spaces around the text are ignored, as in the run's user items.
      const search = query.search?.trim();
      if (search) {
        // The name the group had, or the one the run gave it.
        const [renamedTo, pattern] = contains("lower(change->>'after')", search);
        builder.where((names) =>
          names.whereRaw(...contains('lower(name)', search)).orWhereRaw(
            `exists (select 1 from jsonb_array_elements(changes) as change
             where change->>'field' = 'name' and ${renamedTo})`,
            pattern,
          ),
        );
      }
      if (after) builder.where('id', '>', after[0] as number);
    })
    .orderBy('id')
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor([Number(last.id)]) : null,
  };
}

/** One group's outcome as the API shows it (schema SyncRunGroupItem). */
export function groupItemView(row: GroupItemRow) {
  return {
    id: String(row.id),
    groupId: row.group_id,
    objectId: row.object_id,
    name: row.name,
    outcome: row.outcome,
    changes: row.changes,
    members: row.members,
    duplicateOf: row.duplicate_of,
    failure: row.failure,
    applied: row.applied,
  };
}

/** Members of the groups a round met that are not users (nested groups, devices, contacts): ignored, counted. */
export async function addIgnoredMembers(db: Queryable, runId: string, ignored: number): Promise<void> {
  if (ignored === 0) return;
  await db('sync_runs')
    .where({ id: runId })
    .update({ members_ignored: db.raw('members_ignored + ?', [ignored]) });
}
