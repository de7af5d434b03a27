import type { SyncableUserRow } from '../../users/repository';
import { type KeyHolder, profileOf, type UserProfile, type UserRow, userView } from '../../users/user';
import type { SyncRunItem } from '../runs/item-repository';
import { noOutcomes } from '../runs/outcomes';
import type { ChunkPlan, DeletionMode } from '../runs/synchronizer';
import type { PlannedKeys } from './dry-run-keys';
import { type Decision, decideBatch, type StatePolicy, type SyncedUser, type Upstream } from './outcomes';
import type { PendingUser } from './pending-repository';

/**
 * `read`: users as read from Azure AD in the main pass; collisions with another imported user of the tenant
 * are deferred, because that user may still be moved off the key later in the run.
 * `retry`: the deferred collisions, judged together once everything else is written; final.
 * `replay`: users a delta round serves again, changed since they were judged earlier in the round. Judged
 * like `read`, the newer state replacing a collision still deferred; a replay found unchanged was counted
 * when first judged, unless that judgment was a deferred collision.
 */
export type BatchPhase = 'read' | 'retry' | 'replay';

/** One chunk of a users run: upstream answers to judge, or staged deletions to resolve. */
export type UsersChunk =
  | { phase: BatchPhase; upstream: ReadonlyMap<string, Upstream> }
  | { phase: 'deletion'; mode: DeletionMode; pending: ReadonlyArray<PendingUser> };

/** The chunk's users as the transaction found them, and what judging them needs besides. */
export interface StoredUsers {
  /** Locked; users gone or moved to another tenant since the chunk was read are absent. */
  rows: SyncableUserRow[];
  /** Who holds the emails and usernames the chunk's users want (in a dry run, as the run would leave them). */
  holders: KeyHolder[];
  /** Replay: the chunk's users whose collision is still deferred. */
  deferred: ReadonlySet<string>;
}

/** How a run writes: what the sync policy and the request say about every chunk. */
export interface UsersRunSettings extends StatePolicy {
  dryRun: boolean;
  keepUnchangedItems: boolean;
}

/** One chunk's writes: the users' changes, the run's items, deferred work and the counters. */
export interface UsersPlan extends ChunkPlan {
  profiles: Array<{ userId: string; profile: UserProfile }>;
  reactivate: string[];
  deactivate: string[];
  remove: string[];
  /** A dry run's stand-in for the writes: the keys its users would hold (see dry-run-keys.ts). */
  plannedKeys: PlannedKeys[];
  items: SyncRunItem[];
  stage: { deletion: PendingUser[]; collision: PendingUser[] };
  resolve: { deletion: string[]; collision: string[] };
  /** Users found equal to Azure AD: their lastSyncedAt is stamped beside the transaction (see markSynced). */
  unchanged: string[];
}

const emptyPlan = (): UsersPlan => ({
  profiles: [],
  reactivate: [],
  deactivate: [],
  remove: [],
  plannedKeys: [],
  items: [],
  stage: { deletion: [], collision: [] },
  resolve: { deletion: [], collision: [] },
  unchanged: [],
  tally: { outcomes: noOutcomes(), processed: 0 },
});

const itemOf = (
  row: UserRow,
): Pick<SyncRunItem, 'userId' | 'objectId' | 'username' | 'email' | 'action'> => ({
  userId: row.id,
  objectId: row.object_id ?? '',
  username: row.username,
  email: row.email,
  action: null,
});

/** Set by sync and still inactive: an administrator who reactivated the user cleared the marker. */
const deactivatedBySync = (row: SyncableUserRow) => row.deactivated_by_sync && !row.is_active;

/** The stored users paired with what Azure AD said about each, in the order of the rows. */
export function batchOf(
  rows: ReadonlyArray<SyncableUserRow>,
  upstream: ReadonlyMap<string, Upstream>,
): Array<{ user: SyncedUser; upstream: Upstream }> {
  return rows.map((row) => ({
    user: {
      id: row.id,
      profile: profileOf(row),
      isActive: row.is_active,
      deactivatedBySync: deactivatedBySync(row),
    },
    upstream: upstream.get(row.id) as Upstream,
  }));
}

/** The decisions of a chunk: every staged deletion is one; upstream answers are judged by decideBatch. */
export function decideChunk(chunk: UsersChunk, stored: StoredUsers, policy: StatePolicy): Decision[] {
  if (chunk.phase === 'deletion') return stored.rows.map(() => ({ outcome: 'deleted' }));
  return decideBatch(batchOf(stored.rows, chunk.upstream), stored.holders, policy);
}

/** The plan of a chunk: its decisions (one per stored row) in its phase, dry or not. */
export function planChunk(
  chunk: UsersChunk,
  stored: StoredUsers,
  decisions: ReadonlyArray<Decision>,
  settings: UsersRunSettings,
): UsersPlan {
  return chunk.phase === 'deletion'
    ? planDeletions(chunk.pending, chunk.mode, stored.rows, settings)
    : planDecisions(chunk.phase, [...chunk.upstream.keys()], stored, decisions, settings);
}

function planDecisions(
  phase: BatchPhase,
  chunkUserIds: string[],
  stored: StoredUsers,
  decisions: ReadonlyArray<Decision>,
  settings: UsersRunSettings,
): UsersPlan {
  const plan = emptyPlan();
  const { outcomes } = plan.tally;
  const applied = !settings.dryRun;
  const profiles: UsersPlan['profiles'] = [];
  const stateChanges = { reactivate: [] as string[], deactivate: [] as string[] };
  const unchanged: string[] = [];
  let countedBefore = 0;
  decisions.forEach((decision, index) => {
    const row = stored.rows[index];
    // Built only for the items kept: most users of a run are unchanged and often counted only.
    const item = () => ({
      ...itemOf(row),
      changes: [],
      duplicateOf: null,
      failure: null,
      lastState: null,
      applied,
    });
    switch (decision.outcome) {
      case 'deleted':
        plan.stage.deletion.push({ userId: row.id, target: null });
        return;
      case 'duplicated':
        if (phase !== 'retry' && decision.holderMayMove) {
          plan.stage.collision.push({ userId: row.id, target: decision.target });
          return;
        }
        plan.items.push({
          ...item(),
          outcome: 'duplicated',
          changes: decision.changes,
          duplicateOf: decision.duplicateOf,
        });
        break;
      case 'modified':
        profiles.push({ userId: row.id, profile: decision.target });
        for (const change of decision.changes) {
          if (change.field === 'isActive')
            (change.after ? stateChanges.reactivate : stateChanges.deactivate).push(row.id);
        }
        plan.items.push({ ...item(), outcome: 'modified', changes: decision.changes });
        break;
      case 'unchanged':
        unchanged.push(row.id);
        if (phase === 'replay' && !stored.deferred.has(row.id)) {
          countedBefore += 1;
          return;
        }
        if (settings.keepUnchangedItems) plan.items.push({ ...item(), outcome: 'unchanged' });
        break;
      case 'failed':
        plan.items.push({ ...item(), outcome: 'failed', failure: decision.failure });
        break;
    }
    outcomes[decision.outcome] += 1;
  });

  if (applied) {
    plan.profiles = profiles;
    plan.reactivate = stateChanges.reactivate;
    plan.deactivate = stateChanges.deactivate;
    plan.unchanged = unchanged;
  } else {
    plan.plannedKeys = profiles.map(({ userId, profile: { username, email } }) => ({
      userId,
      username,
      email,
    }));
  }
  if (phase === 'retry') plan.resolve.collision = chunkUserIds;
  if (phase === 'replay') plan.resolve.collision = [...stored.deferred];
  plan.tally.processed =
    decisions.length - plan.stage.deletion.length - plan.stage.collision.length - countedBefore;
  return plan;
}

/**
 * Staged deletion candidates resolved. `apply`: the threshold let the run delete them (a dry run only reports
 * it); `holdBack`: the threshold blocked the run, so the items list who would have been deleted and nobody
 * is. The item keeps the user's last state either way, and says whether the policy deletes the user or
 * deactivates it; both count as `deleted` (gone upstream) and both are held to the threshold.
 */
function planDeletions(
  pending: ReadonlyArray<PendingUser>,
  mode: DeletionMode,
  rows: ReadonlyArray<SyncableUserRow>,
  settings: UsersRunSettings,
): UsersPlan {
  const plan = emptyPlan();
  const applied = mode === 'apply' && !settings.dryRun;
  const action = settings.upstreamDeletion === 'deactivate' ? 'deactivated' : 'deleted';
  const ids = rows.map((row) => row.id);
  if (applied) plan[action === 'deactivated' ? 'deactivate' : 'remove'] = ids;
  // A dry run reports its deletions as applied, so the keys they would free are free for the rest of it.
  else if (settings.dryRun && action === 'deleted')
    plan.plannedKeys = ids.map((userId) => ({ userId, gone: true as const }));
  plan.items = rows.map((row) => ({
    ...itemOf(row),
    outcome: 'deleted',
    changes: [],
    duplicateOf: null,
    failure: null,
    lastState: userView(row),
    applied,
    action,
  }));
  plan.resolve.deletion = pending.map((user) => user.userId);
  plan.tally = {
    outcomes: { ...noOutcomes(), deleted: mode === 'apply' ? rows.length : 0 },
    processed: rows.length,
  };
  return plan;
}
