import { contains } from '../../../infra/db/contains';
import type { Queryable } from '../../../infra/db/queryable';
import { decodeCursor, encodeCursor } from '../../../infra/http/cursor';
import type { DuplicateOf } from '../../users/duplicates';
import type { UserView } from '../../users/user';
import type { FieldChange } from '../users/outcomes';
import type { SyncFailure, SyncOutcome } from './outcomes';

/** `deleted`: removed from the reporting server; `deactivated`: kept with isActive false. */
export type DeletionAction = 'deleted' | 'deactivated';

export interface SyncRunItem {
  userId: string;
  objectId: string;
  /** Before the run. */
  username: string;
  email: string;
  outcome: SyncOutcome;
  changes: FieldChange[];
  duplicateOf: DuplicateOf | null;
  failure: SyncFailure | null;
  lastState: UserView | null;
  /** False when the item only reports what would happen (dry run, deletions held back). */
  applied: boolean;
  /** For a `deleted` outcome: what the sync policy did (or would do) with the user. */
  action: DeletionAction | null;
}

export interface SyncRunItemRow {
  id: number;
  run_id: string;
  user_id: string;
  object_id: string;
  username: string;
  email: string;
  outcome: SyncOutcome;
  changes: FieldChange[];
  duplicate_of: DuplicateOf | null;
  failure: SyncFailure | null;
  last_state: UserView | null;
  applied: boolean;
  action: DeletionAction | null;
}

/** One multi-row insert per chunk. */
export async function insertItems(db: Queryable, runId: string, items: SyncRunItem[]): Promise<void> {
  if (items.length === 0) return;
  await db('sync_run_items').insert(
    items.map((item) => ({
      run_id: runId,
      user_id: item.userId,
      object_id: item.objectId,
      username: item.username,
      email: item.email,
      outcome: item.outcome,
      changes: JSON.stringify(item.changes),
      duplicate_of: item.duplicateOf ? JSON.stringify(item.duplicateOf) : null,
      failure: item.failure ? JSON.stringify(item.failure) : null,
      last_state: item.lastState ? JSON.stringify(item.lastState) : null,
      applied: item.applied,
      action: item.action,
    })),
  );
}

export interface ItemQuery {
  /** Any of these outcomes (all when empty or absent). */
  outcomes?: SyncOutcome[];
  /** Case-insensitive substring of the username or the email. */
  search?: string;
  limit: number;
  cursor?: string;
}

/**
 * One page of a run's items in id order. Filters narrow the scan of the run's items along the
 * (run_id, outcome, id) or (run_id, id) index; the keyset stays the item id, so paging is correct under any
 * filter. A substring search scans the run's items rather than an index: it is bounded by one run.
 */
export async function listItems(db: Queryable, runId: string, query: ItemQuery) {
  const after = decodeCursor(query.cursor, 1, ([id]) => typeof id === 'number' && Number.isSafeInteger(id));
  const rows = await itemsAfter(db, runId, query, after ? (after[0] as number) : null, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor([Number(last.id)]) : null,
  };
}

function itemsAfter(
  db: Queryable,
  runId: string,
  query: Omit<ItemQuery, 'limit' | 'cursor'>,
  afterId: number | null,
  limit: number,
): Promise<SyncRunItemRow[]> {
  return db('sync_run_items')
    .where({ run_id: runId })
    .modify((builder) => {
      if (query.outcomes && query.outcomes.length > 0) builder.whereIn('outcome', query.outcomes);
      const search = query.search?.trim();
      if (search) {
        builder.where((matching) =>
          matching
            .whereRaw(...contains('lower(username)', search))
            .orWhereRaw(...contains('lower(email)', search)),
        );
      }
      if (afterId !== null) builder.where('id', '>', afterId);
    })
    .orderBy('id')
    .limit(limit);
}

/** Every matching item of a run, read page by page: memory stays one page whatever the run's size. */
export async function* eachItem(
  db: Queryable,
  runId: string,
  query: Omit<ItemQuery, 'limit' | 'cursor'>,
  pageSize = 1000,
): AsyncGenerator<SyncRunItemRow> {
  let afterId: number | null = null;
  for (;;) {
    const rows = await itemsAfter(db, runId, query, afterId, pageSize);
    yield* rows;
    if (rows.length < pageSize) return;
    afterId = Number((rows.at(-1) as SyncRunItemRow).id);
  }
}

/**
 * The distinct objects of a run's items with any of these outcomes, in id order: users from
 * `sync_run_items`, groups from `sync_run_group_items` (a re-run's selection).
 */
export async function itemIdsWithOutcomes(
  db: Queryable,
  items:
    | { table: 'sync_run_items'; column: 'user_id' }
    | { table: 'sync_run_group_items'; column: 'group_id' },
  runId: string,
  outcomes: SyncOutcome[],
): Promise<string[]> {
  const rows: Array<Record<string, string>> = await db(items.table)
    .where({ run_id: runId })
    .whereIn('outcome', outcomes)
    .distinct(items.column)
    .orderBy(items.column);
  return rows.map((row) => row[items.column]);
}

/** The distinct users of a run's items with any of these outcomes, in user id order. */
export const userIdsWithOutcomes = (db: Queryable, runId: string, outcomes: SyncOutcome[]) =>
  itemIdsWithOutcomes(db, { table: 'sync_run_items', column: 'user_id' }, runId, outcomes);

/**
 * Users the run could not read (Graph failures, not a missing attribute): a delta run that had some keeps
 * the previous link, so the next run is told about those users again instead of forgetting them until the
 * next full pass.
 */
export async function hasUnreadUsers(db: Queryable, runId: string): Promise<boolean> {
  const row = await db('sync_run_items')
    .where({ run_id: runId, outcome: 'failed' })
    .whereRaw("failure->>'code' <> 'missing_attribute'")
    .first('id');
  return row !== undefined;
}
