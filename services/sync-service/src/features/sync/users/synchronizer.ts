import { uniqueViolationField } from '../../users/duplicates';
import { findKeyHolders, lockImportedUsers } from '../../users/repository';
import { hasUnreadUsers } from '../runs/item-repository';
import { recordSelectedCount, type UserSelection } from '../runs/run-repository';
import type { SynchronizerFactory } from '../runs/synchronizer';
import { applyPlan } from './apply';
import { saveDeltaLink } from './delta-link-repository';
import { readWholeDirectory } from './delta-pass';
import { dropPlannedKeys, withPlannedKeys } from './dry-run-keys';
import type { Decision, Upstream } from './outcomes';
import { countPending, nextCollisions, nextPending, pendingAmong } from './pending-repository';
import {
  decideChunk,
  planChunk,
  type StoredUsers,
  type UsersChunk,
  type UsersPlan,
  type UsersRunSettings,
} from './plan';
import { readUsersByIdChunks } from './read-by-id';
import { countSelected, selectedChunk } from './selection';
import { SyncedStamps } from './synced-stamps';

/**
 * Imported users, kept in step with Azure AD: the first synchronizer. Reading differs by selection (chosen
 * users by id, or the whole directory with Graph's delta query); deciding, planning and applying are the same.
 * Deletions and collisions with users the run may still move are staged in the database and resolved once
 * everything was read.
 */
export const usersSynchronizer: SynchronizerFactory<UsersChunk, StoredUsers, Decision, UsersPlan> = (
  context,
) => {
  const { db, run, directory, policy, chunkSize } = context.execution;
  const selection = context.execution.selection as UserSelection;
  const { tenantId } = directory;
  const retry = context.retryOnLostConnection;
  const settings: UsersRunSettings = {
    dryRun: run.dry_run,
    keepUnchangedItems: policy.keepUnchangedItems,
    upstreamDeletion: policy.upstreamDeletion,
    accountState: policy.accountState,
  };
  const stamps = new SyncedStamps(db, retry);
  /** A delta round's link, stored only if the run ends `succeeded` for real. */
  let deltaLink: string | null = null;

  return {
    objects: 'users',
    async read(commit) {
      if (selection.kind === 'wholeDirectory') {
        const read = await readWholeDirectory(context, commit, selection, stamps);
        deltaLink = read.deltaLink;
        return read.selected;
      }
      const selected = await retry(async () => {
        const count = await countSelected(db, tenantId, selection);
        await recordSelectedCount(db, run.id, count);
        return count;
      });
      await readUsersByIdChunks(context, commit, (afterUserId, size) =>
        selectedChunk(db, tenantId, selection, afterUserId, size),
      );
      return selected;
    },
    async load(trx, chunk) {
      if (chunk.phase === 'deletion') {
        const userIds = chunk.pending.map((user) => user.userId);
        return { rows: await lockImportedUsers(trx, tenantId, userIds), holders: [], deferred: new Set() };
      }
      const userIds = [...chunk.upstream.keys()];
      const rows = await lockImportedUsers(trx, tenantId, userIds);
      const deferred = new Set(
        chunk.phase === 'replay' ? await pendingAmong(trx, run.id, 'collision', userIds) : [],
      );
      // A user keeping its email and username exactly holds them (the unique indexes): nobody else can, so a
      // run looks up only the keys that change. A dry run's stored rows are not what it planned: it looks up all.
      const wanted = rows.flatMap((row) => {
        const upstream = chunk.upstream.get(row.id) as Upstream;
        if (upstream.kind !== 'found') return [];
        const { email, username } = upstream.profile;
        const keepsKeys = row.email === email && row.username === username;
        return keepsKeys && !settings.dryRun ? [] : [upstream.profile];
      });
      const found = await findKeyHolders(trx, tenantId, wanted);
      const holders = settings.dryRun ? await withPlannedKeys(trx, run.id, found, wanted) : found;
      return { rows, holders, deferred };
    },
    decide: (chunk, stored) => decideChunk(chunk, stored, settings),
    plan: (chunk, stored, decisions) => planChunk(chunk, stored, decisions, settings),
    apply: (trx, plan) => applyPlan(trx, run.id, plan),
    // A chunk found committed after a drop: its unchanged users keep their earlier lastSyncedAt.
    committed: (plan) => stamps.add(plan?.unchanged ?? []),
    // A concurrent writer (an import, a local user created) can take an email or username between the check
    // and the write; the unique index then refuses the whole chunk, and the chunk is judged again.
    judgeAgain: (error) => uniqueViolationField(error) !== null,
    stagedDeletions: async (selected) => [
      { wouldDelete: await retry(() => countPending(db, run.id, 'deletion')), selected },
    ],
    async nextDeletions(mode) {
      const pending = await retry(() => nextPending(db, run.id, 'deletion', chunkSize));
      return pending.length > 0 ? { phase: 'deletion', mode, pending } : null;
    },
    async nextDeferred() {
      const pending = await retry(() => nextCollisions(db, run.id, chunkSize));
      if (pending.length === 0) return null;
      // The collision kept the profile only: the retry leaves the user's state as it is (see changesOf).
      const upstream = new Map<string, Upstream>(
        pending.map((user) => [user.userId, { kind: 'found', profile: user.target, accountEnabled: null }]),
      );
      return { phase: 'retry', upstream };
    },
    settled: () => stamps.settled(),
    async finish(trx, end) {
      // The link moves on only with a run that applied everything it was told: a blocked run's deletions, a
      // dry run's changes, users that failed or Graph failed to confirm must be reported again to the next run.
      const applied = end.ended && end.status === 'succeeded' && !settings.dryRun;
      if (applied && deltaLink && !(await hasUnreadUsers(trx, run.id)))
        await saveDeltaLink(trx, tenantId, deltaLink);
      // In the run's last transaction: nobody sees the run ended with its planned keys still there.
      if (settings.dryRun) await dropPlannedKeys(trx, run.id);
    },
    async abandon() {
      await stamps.settled().catch(() => undefined);
      if (settings.dryRun) await dropPlannedKeys(db, run.id).catch(() => undefined);
    },
  };
};
