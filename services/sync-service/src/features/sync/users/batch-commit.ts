import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { outlastConnectionLoss } from '../../../infra/db/connection-loss';
import { uniqueViolationField } from '../../users/duplicates';
import {
  deactivateUsers,
  deleteUsers,
  findKeyHolders,
  lockImportedUsers,
  reactivateUsers,
  type SyncableUserRow,
  writeProfiles,
} from '../../users/repository';
import { profileOf, type UserRow, userView } from '../../users/user';
import {
  insertItems,
  type PendingUser,
  resolvePending,
  type SyncRunItem,
  stagePending,
} from '../runs/item-repository';
import { addOutcomes, findRunCommitted, noOutcomes, type SyncRunRow } from '../runs/run-repository';
import { planKeys, withPlannedKeys } from './dry-run-keys';
import { type AccountState, decideBatch, type Upstream, type UpstreamDeletion } from './outcomes';

/** What every write of one run needs to know. */
export interface RunScope {
  runId: string;
  tenantId: string;
  dryRun: boolean;
  keepUnchangedItems: boolean;
  upstreamDeletion: UpstreamDeletion;
  accountState: AccountState;
  /** Aborted when the run must stop: a chunk waiting for the database gives up. */
  signal?: AbortSignal;
  /** How long a chunk keeps trying on new connections when the connection drops. */
  databaseWaitMs?: number;
}

/**
 * Commits one chunk's transaction, again on a new connection if the connection drops (see
 * outlastConnectionLoss). The transaction marks the run row with a fresh mark, so that after a drop during
 * COMMIT the chunk is committed again only if its mark is not there: never counted twice.
 */
async function commitChunk<T>(
  db: Knex,
  scope: RunScope,
  commit: (trx: Knex.Transaction, commitMark: string) => Promise<T>,
  landed: (run: SyncRunRow) => T,
): Promise<T> {
  const commitMark = randomUUID();
  return outlastConnectionLoss(() => db.transaction((trx) => commit(trx, commitMark)), {
    signal: scope.signal,
    budgetMs: scope.databaseWaitMs,
    landed: async () => {
      const run = await findRunCommitted(db, scope.runId, commitMark);
      return run && landed(run);
    },
  });
}

/**
 * `read`: users as read from Azure AD in the main pass; collisions with another imported user of the tenant
 * are deferred, because that user may still be moved off the key later in the run.
 * `retry`: the deferred collisions, judged together once everything else is written; final.
 * `replay`: users a delta round serves again, changed since they were judged earlier in the round. Judged
 * like `read`, the newer state replacing a collision still deferred; a replay found unchanged was counted
 * when first judged, unless that judgment was a deferred collision.
 */
export type BatchPhase = 'read' | 'retry' | 'replay';

/**
 * A concurrent writer (an import, a local user created) can take an email or username between the check
 * and the write; the unique index then refuses the whole chunk, and the chunk is judged again.
 */
async function withCollisionRetry<T>(commit: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await commit();
    } catch (error) {
      if (attempt >= 3 || !uniqueViolationField(error)) throw error;
    }
  }
}

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

export interface CommittedBatch {
  run: SyncRunRow;
  /** Users found equal to Azure AD: their lastSyncedAt is stamped apart (see markSynced). */
  unchanged: string[];
}

/**
 * Decides and commits one batch: the users' changes, their items, deferred work and the run's counters,
 * all in one transaction, so a process killed at any moment leaves whole users and true counts.
 */
export function commitBatch(
  db: Knex,
  scope: RunScope,
  upstreamByUserId: ReadonlyMap<string, Upstream>,
  phase: BatchPhase,
): Promise<CommittedBatch> {
  return withCollisionRetry(() =>
    commitChunk(
      db,
      scope,
      async (trx, commitMark) => {
        const rows = await lockImportedUsers(trx, scope.tenantId, [...upstreamByUserId.keys()]);
        const deferredBefore = new Set(
          phase === 'replay'
            ? await resolvePending(trx, scope.runId, 'collision', [...upstreamByUserId.keys()])
            : [],
        );
        const batch = rows.map((row) => ({
          user: {
            id: row.id,
            profile: profileOf(row),
            isActive: row.is_active,
            deactivatedBySync: deactivatedBySync(row),
          },
          upstream: upstreamByUserId.get(row.id) as Upstream,
        }));
        const wanted = batch.flatMap(({ upstream }) => (upstream.kind === 'found' ? [upstream.profile] : []));
        const found = await findKeyHolders(trx, scope.tenantId, wanted);
        const holders = scope.dryRun ? await withPlannedKeys(trx, scope.runId, found, wanted) : found;
        const decisions = decideBatch(batch, holders, scope);

        const items: SyncRunItem[] = [];
        const counts = noOutcomes();
        const deletions: PendingUser[] = [];
        const collisions: PendingUser[] = [];
        const profiles: Array<{ userId: string; profile: (typeof wanted)[number] }> = [];
        const unchanged: string[] = [];
        const reactivated: string[] = [];
        const deactivated: string[] = [];
        let countedBefore = 0;
        const applied = !scope.dryRun;
        decisions.forEach((decision, index) => {
          const row = rows[index];
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
              deletions.push({ userId: row.id, target: null });
              return;
            case 'duplicated':
              if (phase !== 'retry' && decision.holderMayMove) {
                collisions.push({ userId: row.id, target: decision.target });
                return;
              }
              items.push({
                ...item(),
                outcome: 'duplicated',
                changes: decision.changes,
                duplicateOf: decision.duplicateOf,
              });
              break;
            case 'modified':
              profiles.push({ userId: row.id, profile: decision.target });
              for (const change of decision.changes) {
                if (change.field === 'isActive') (change.after ? reactivated : deactivated).push(row.id);
              }
              items.push({ ...item(), outcome: 'modified', changes: decision.changes });
              break;
            case 'unchanged':
              unchanged.push(row.id);
              if (phase === 'replay' && !deferredBefore.has(row.id)) {
                countedBefore += 1;
                return;
              }
              if (scope.keepUnchangedItems) items.push({ ...item(), outcome: 'unchanged' });
              break;
            case 'failed':
              items.push({ ...item(), outcome: 'failed', failure: decision.failure });
              break;
          }
          counts[decision.outcome] += 1;
        });

        if (applied) {
          await writeProfiles(trx, profiles);
          await reactivateUsers(trx, reactivated);
          await deactivateUsers(trx, deactivated);
        } else {
          const planned = profiles.map(({ userId, profile: { username, email } }) => ({
            userId,
            username,
            email,
          }));
          await planKeys(trx, scope.runId, planned);
        }
        await insertItems(trx, scope.runId, items);
        await stagePending(trx, scope.runId, 'deletion', deletions);
        await stagePending(trx, scope.runId, 'collision', collisions);
        if (phase === 'retry')
          await resolvePending(trx, scope.runId, 'collision', [...upstreamByUserId.keys()]);
        const decided = decisions.length - deletions.length - collisions.length - countedBefore;
        return { run: await addOutcomes(trx, scope.runId, counts, decided, commitMark), unchanged };
        // A chunk found committed after a drop: its unchanged users keep their earlier lastSyncedAt.
      },
      (run) => ({ run, unchanged: [] }),
    ),
  );
}

/**
 * Resolves staged deletion candidates. `apply`: the threshold let the run delete them (a dry run only
 * reports it); `holdBack`: the threshold blocked the run, so the items list who would have been deleted and
 * nobody is. The item keeps the user's last state either way, and says whether the policy deletes the user
 * or deactivates it; both count as `deleted` (gone upstream) and both are held to the threshold.
 */
export function commitDeletions(
  db: Knex,
  scope: RunScope,
  pending: ReadonlyArray<PendingUser>,
  mode: 'apply' | 'holdBack',
): Promise<SyncRunRow> {
  return commitChunk(
    db,
    scope,
    async (trx, commitMark) => {
      const userIds = pending.map((user) => user.userId);
      const rows = await lockImportedUsers(trx, scope.tenantId, userIds);
      const applied = mode === 'apply' && !scope.dryRun;
      const action = scope.upstreamDeletion === 'deactivate' ? 'deactivated' : 'deleted';
      const ids = rows.map((row) => row.id);
      if (applied) await (action === 'deactivated' ? deactivateUsers(trx, ids) : deleteUsers(trx, ids));
      // A dry run reports its deletions as applied, so the keys they would free are free for the rest of it.
      else if (scope.dryRun && action === 'deleted')
        await planKeys(
          trx,
          scope.runId,
          ids.map((userId) => ({ userId, gone: true as const })),
        );
      await insertItems(
        trx,
        scope.runId,
        rows.map((row) => ({
          ...itemOf(row),
          outcome: 'deleted',
          changes: [],
          duplicateOf: null,
          failure: null,
          lastState: userView(row),
          applied,
          action,
        })),
      );
      await resolvePending(trx, scope.runId, 'deletion', userIds);
      const counts = { ...noOutcomes(), deleted: mode === 'apply' ? rows.length : 0 };
      return addOutcomes(trx, scope.runId, counts, rows.length, commitMark);
    },
    (run) => run,
  );
}
