import type { Queryable } from '../../../../infra/db/queryable';
import { decodeCursor, encodeCursor, isTimestamp, isUuid } from '../../../../infra/http/cursor';
import { runColumns } from './columns';
import { activeStatuses, type SyncRunRow, type SyncRunStatus, type SyncTrigger } from './run-row';

/** The history of runs: the last finished one, the filtered pages, and how many are kept. */

export function findLastFinishedRun(db: Queryable): Promise<SyncRunRow | undefined> {
  return db('sync_runs')
    .select(runColumns(db))
    .whereNotIn('status', activeStatuses)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
}

export interface RunHistoryFilter {
  statuses?: SyncRunStatus[];
  triggers?: SyncTrigger[];
  /** Runs created at or after this instant. */
  from?: string;
  /** Runs created before this instant. */
  to?: string;
  /** The requester's id, or its name (case-insensitive). */
  requestedBy?: string;
}

/**
 * Newest first, by keyset on (created_at, id). Filters only drop rows from the walk along the
 * (created_at desc, id desc) index, so the cursor stays correct under any of them.
 */
export async function listRuns(db: Queryable, limit: number, cursor?: string, filter: RunHistoryFilter = {}) {
  const after = decodeCursor(cursor, 2, ([createdAt, id]) => isTimestamp(createdAt) && isUuid(id));
  const rows: SyncRunRow[] = await db('sync_runs')
    .select(runColumns(db))
    .modify((query) => {
      if (after) query.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', after);
      if (filter.statuses?.length) query.whereIn('status', filter.statuses);
      if (filter.triggers?.length) query.whereIn('trigger', filter.triggers);
      if (filter.from) query.whereRaw('created_at >= ?::timestamptz', [filter.from]);
      if (filter.to) query.whereRaw('created_at < ?::timestamptz', [filter.to]);
      const requester = filter.requestedBy?.trim();
      if (requester)
        query.where((who) =>
          who
            .whereRaw("requested_by->>'id' = ?", [requester])
            .orWhereRaw("lower(requested_by->>'name') = lower(?)", [requester]),
        );
    })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
  };
}

/** Keeps the newest `retainRuns` finished runs (their items go with them). */
export async function applyRetention(db: Queryable, retainRuns: number): Promise<number> {
  return db('sync_runs')
    .whereIn(
      'id',
      db('sync_runs')
        .select('id')
        .whereNotIn('status', activeStatuses)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .offset(retainRuns),
    )
    .delete();
}
