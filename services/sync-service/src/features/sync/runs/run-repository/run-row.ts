import type { RunRequester } from '../../../auth/identity';
import type { DeletionBlock } from '../../policy';
import type { SyncOutcome } from '../outcomes';

/** A run's row in `sync_runs`: what it was asked to synchronize, its status and its counters. */

/** The run a re-run took its users from, and the outcomes it took. */
export interface RunOrigin {
  runId: string;
  outcomes: SyncOutcome[];
}

/** What a run was asked to synchronize; stored so a blocked run can be confirmed with the same selection. */
export type StoredSelection =
  | { kind: 'userIds'; userIds: string[]; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatching'; search: string }
  /** Every imported user of the tenant, read with Graph's delta query; `fullPass` ignores the stored link. */
  | { kind: 'wholeDirectory'; fullPass: boolean }
  | GroupSelection;

/** Imported groups to synchronize: chosen by id, or all whose name matches a search. */
export type GroupSelection =
  | { kind: 'groupIds'; groupIds: string[]; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatchingGroups'; search: string };

/** What a run of users synchronizes. */
export type UserSelection = Exclude<StoredSelection, GroupSelection>;

/** Whether a run synchronizes imported groups (its other selections are of users). */
export const isGroupSelection = (selection: { kind: string }): selection is GroupSelection =>
  selection.kind === 'groupIds' || selection.kind === 'allMatchingGroups';

/** The selection as runs are read for display: a list of up to 10,000 ids is not fetched on every poll. */
export type SelectionSummary =
  | { kind: 'userIds'; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatching'; search: string }
  | { kind: 'wholeDirectory'; fullPass: boolean }
  | { kind: 'groupIds'; requested: number; fromRun?: RunOrigin }
  | { kind: 'allMatchingGroups'; search: string };

export type SyncTrigger = 'manual' | 'scheduled';

/** `full`: the round enumerated the whole directory; `incremental`: only the changes since the stored link. */
export type DeltaPass = 'full' | 'incremental';

export type SyncRunStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'partial'
  | 'failed'
  | 'blocked'
  | 'interrupted';

/** The most common reason among a run's failed users, and how many users it failed. */
export interface MainFailure {
  code: string;
  /** One user's message for this code (messages may name the user's attribute). */
  message: string;
  count: number;
}

export const activeStatuses: ReadonlyArray<SyncRunStatus> = ['queued', 'running'];

export interface SyncRunRow {
  id: string;
  status: SyncRunStatus;
  trigger: SyncTrigger;
  pass: DeltaPass | null;
  dry_run: boolean;
  confirm_deletions: boolean;
  selection: SelectionSummary;
  selected_count: number;
  requested_by: RunRequester;
  processed: number;
  total: number;
  modified: number;
  deleted: number;
  duplicated: number;
  unchanged: number;
  failed: number;
  members_added: number;
  members_removed: number;
  users_created: number;
  members_ignored: number;
  group_modified: number;
  group_deleted: number;
  group_duplicated: number;
  group_unchanged: number;
  group_failed: number;
  /** A whole-directory run whose groups' round ran (the tenant had imported groups). */
  covers_groups: boolean;
  blocked: DeletionBlock | null;
  error: string | null;
  main_failure: MainFailure | null;
  confirmed_run_id: string | null;
  tenant_id: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date;
}

export interface NewSyncRun {
  selection: StoredSelection;
  dryRun: boolean;
  confirmDeletions: boolean;
  requestedBy: RunRequester;
  tenantId: string;
  trigger: SyncTrigger;
  confirmedRunId?: string;
}

/** The unique partial index that lets only one run be queued or running across all processes. */
export const oneActiveRunIndex = 'sync_runs_one_active';
