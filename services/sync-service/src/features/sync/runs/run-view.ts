import type { SyncRunItemRow } from './item-repository';
import { isGroupSelection, type SyncRunRow } from './run-repository';

export const runUrl = (id: string) => `/api/sync/runs/${id}`;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A run as the API shows it (schema SyncRun). */
export function syncRunView(row: SyncRunRow) {
  const { selection } = row;
  const groups = isGroupSelection(selection);
  const counts = {
    modified: row.modified,
    deleted: row.deleted,
    duplicated: row.duplicated,
    unchanged: row.unchanged,
    failed: row.failed,
  };
  return {
    id: row.id,
    url: runUrl(row.id),
    kind: groups ? ('groups' as const) : ('users' as const),
    status: row.status,
    trigger: row.trigger,
    dryRun: row.dry_run,
    confirmDeletions: row.confirm_deletions,
    selection: {
      kind: selection.kind,
      count: row.selected_count,
      search:
        selection.kind === 'allMatching' || selection.kind === 'allMatchingGroups' ? selection.search : null,
      requested: selection.kind === 'userIds' || selection.kind === 'groupIds' ? selection.requested : null,
      fullPass: selection.kind === 'wholeDirectory' ? selection.fullPass : null,
      fromRun:
        (selection.kind === 'userIds' || selection.kind === 'groupIds') && selection.fromRun
          ? selection.fromRun
          : null,
      pass: row.pass,
    },
    requestedBy: { kind: row.requested_by.kind, id: row.requested_by.id, name: row.requested_by.name },
    progress: { processed: row.processed, total: row.total },
    counts,
    // A whole-directory run covers the tenant's imported groups too (when it has any): its groups' outcomes
    // are counted apart from its users'.
    groupCounts:
      groups || row.covers_groups
        ? {
            membersAdded: row.members_added,
            membersRemoved: row.members_removed,
            usersCreated: row.users_created,
            ...(groups
              ? {}
              : {
                  membersIgnored: row.members_ignored,
                  groups: {
                    modified: row.group_modified,
                    deleted: row.group_deleted,
                    duplicated: row.group_duplicated,
                    unchanged: row.group_unchanged,
                    failed: row.group_failed,
                  },
                }),
          }
        : null,
    blocked: row.blocked,
    error: row.error,
    mainFailure: row.main_failure,
    confirmedRunId: row.confirmed_run_id,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export type SyncRunView = ReturnType<typeof syncRunView>;

/** One user's outcome as the API shows it (schema SyncRunItem). */
export function syncRunItemView(row: SyncRunItemRow) {
  return {
    id: String(row.id),
    userId: row.user_id,
    objectId: row.object_id,
    username: row.username,
    email: row.email,
    outcome: row.outcome,
    changes: row.changes,
    duplicateOf: row.duplicate_of,
    failure: row.failure,
    lastState: row.last_state,
    applied: row.applied,
    action: row.action,
  };
}
