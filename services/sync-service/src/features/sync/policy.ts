import type { Queryable } from '../../infra/db/queryable';
import type { AccountState, UpstreamDeletion } from './users/outcomes';

export interface SyncPolicy {
  deletionThresholdPercent: number;
  deletionThresholdMinCount: number;
  keepUnchangedItems: boolean;
  retainRuns: number;
  /** What happens to an imported user deleted in Azure AD: removed, or kept inactive (and reactivated if restored). */
  upstreamDeletion: UpstreamDeletion;
  /**
   * `sync`: a user disabled in Azure AD (accountEnabled false) is deactivated here, and reactivated once
   * enabled again. `ignore`: accountEnabled is not read for the decision. A database that had a policy before
   * this setting keeps `ignore` (migration 016).
   */
  accountState: AccountState;
  /**
   * Who a group's members are, for the group import and the group sync alike. `transitive` (the default):
   * members of nested groups are members too (`/transitiveMembers`). `direct`: only the group's own members
   * (`/members`); a user reachable only through a nested group is not a member.
   */
  groupMembers: GroupMembership;
}

/** Sync policy `groupMembers`: whether members of nested groups count as members of the group. */
export type GroupMembership = 'transitive' | 'direct';

/** Okta's import safeguard is 20 %; the minimum count keeps small selections from tripping it on a few users. */
export const defaultSyncPolicy: SyncPolicy = {
  deletionThresholdPercent: 20,
  deletionThresholdMinCount: 10,
  keepUnchangedItems: false,
  retainRuns: 200,
  upstreamDeletion: 'delete',
  accountState: 'sync',
  groupMembers: 'transitive',
};

// Stryker disable all: storage, covered by the sync tests on both databases, not by unit tests.
export async function loadSyncPolicy(db: Queryable): Promise<SyncPolicy> {
  const row: { policy: Partial<SyncPolicy> } | undefined = await db('sync_policy')
    .where({ id: 1 })
    .first('policy');
  return { ...defaultSyncPolicy, ...row?.policy };
}

/** A policy saved without a newer setting (a client older than it) gets that setting's default. */
export async function saveSyncPolicy(db: Queryable, policy: Partial<SyncPolicy>): Promise<SyncPolicy> {
  const complete = { ...defaultSyncPolicy, ...policy };
  const stored = JSON.stringify(complete);
  await db('sync_policy')
    .insert({ id: 1, policy: stored })
    .onConflict('id')
    .merge({ policy: stored, updated_at: db.fn.now() });
  return complete;
}

// Stryker restore all

export interface DeletionBlock {
  wouldDelete: number;
  selected: number;
  thresholdPercent: number;
  thresholdMinCount: number;
}

/**
 * A run that would delete more than the share AND more than the count is held back: both must be exceeded,
 * so deleting 3 of 5 selected users (60 %) or 50 of 100,000 does not need a confirmation.
 */
export function deletionBlock(
  wouldDelete: number,
  selected: number,
  policy: SyncPolicy,
): DeletionBlock | null {
  const overShare = wouldDelete > (selected * policy.deletionThresholdPercent) / 100;
  const overCount = wouldDelete > policy.deletionThresholdMinCount;
  if (!overShare || !overCount) return null;
  return {
    wouldDelete,
    selected,
    thresholdPercent: policy.deletionThresholdPercent,
    thresholdMinCount: policy.deletionThresholdMinCount,
  };
}
