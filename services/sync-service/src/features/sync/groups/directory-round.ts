import { DirectoryError, isAccessFailure, unstorableGroup } from '../../../infra/directory';
import { importedUsersByObjectIds } from '../../users/repository';
import { followDeltaRound } from '../delta-round';
import { DirectoryRefusedError, type RunContext } from '../runs/run-context';
import { addToTotal, type DeltaPass, markCoversGroups, type StoredSelection } from '../runs/run-repository';
import type { DeletionMode, SynchronizerFactory } from '../runs/synchronizer';
import { findDeltaLink, saveDeltaLink } from '../users/delta-link-repository';
import { groupChunkSteps } from './chunk-steps';
import { addIgnoredMembers } from './item-repository';
import type { GroupDecision, GroupsChunk, StoredGroups, UpstreamMember } from './outcomes';
import type { GroupsPlan, GroupsRunSettings } from './plan';
import { readGroupsUpstream, refusedMember, upstreamMember } from './read';
import {
  analyzeRoundGroups,
  countRoundRemovals,
  forgetRounds,
  importedGroupsTally,
  type MetGroup,
  memberChangesOf,
  metGroupsAfter,
  roundTally,
  saveRoundNesting,
  stageRoundPage,
  unconfirmedGroupsAfter,
} from './round-repository';
import { nextStagedGroups, stagedRemovals } from './staging-repository';

type WholeDirectory = Extract<StoredSelection, { kind: 'wholeDirectory' }>;

const isExpiredLink = (error: unknown) =>
  error instanceof DirectoryError && error.failure.code === 'delta_token_expired';

/**
 * The imported groups of the tenant in a whole-directory run: one round of `/groups/delta` with members,
 * beside the users' round. Each page is staged in the database in one statement (only the tenant's imported
 * groups; the others cost nothing more), a large group's members merged across pages by group id, so memory
 * stays flat. Nothing is written before the round is read whole: a round that fails writes nothing, removes
 * nobody and keeps the stored link. Then groups the round announced as removed (and, in a full round, imported
 * groups it never met) are read by id: only Graph's 404 deletes a group, one found is synchronized from its
 * complete member list. These candidates go as a selection's groups do (synchronizer.ts): committed chunk by
 * chunk as they are read, those whose sync would remove members or delete them staged in the database for the
 * threshold (staging-repository.ts), so memory holds one chunk. Member removals are what the threshold judges,
 * against the imported groups' memberships. Then the groups the round met, and the staged candidates, are
 * written chunk by chunk; the link moves on only with a run that succeeded.
 *
 * Nested groups, when members count transitively: a group's delta entry lists its direct members only, so a
 * group holding groups is read whole (`/transitiveMembers`), and an incremental round must also find the
 * imported groups above a group it carried, whose own entries do not come. The round keeps the tenant's
 * nesting (which group holds which, for every group, imported or not: `directory_group_nesting`) in step
 * with the link, and walks it up from the groups it carried, at any depth. The other ways cost more: reading
 * every group that holds groups whole on every round pays 4 RU per 999 members of each, changed or not; and
 * reading only the direct parents of changed groups misses the groups two levels up. Walking the stored
 * nesting costs one recursive query, and Graph reads only for groups something below changed.
 */
export const directoryGroupsSynchronizer: SynchronizerFactory<
  GroupsChunk,
  StoredGroups,
  GroupDecision,
  GroupsPlan
> = (context) => {
  const { db, run, directory, policy, chunkSize } = context.execution;
  const selection = context.execution.selection as WholeDirectory;
  const { tenantId } = directory;
  const retry = context.retryOnLostConnection;
  const settings: GroupsRunSettings = { dryRun: run.dry_run, ledger: 'groups' };
  let pass: DeltaPass = 'full';
  // The sync policy's groupMembers: a group with nested groups is then read whole, not from the round.
  const transitive = policy.groupMembers === 'transitive';
  let deltaLink: string | null = null;
  /** Memberships the groups the round met would lose: the candidates' are staged with them. */
  let removals = 0;
  /** Keyset of the met groups handed out so far; null once all are. */
  let metAfter: string | null | undefined;

  return {
    objects: 'groups',
    async read(commit) {
      const imported = await retry(() => importedGroupsTally(db, tenantId));
      // Without imported groups there is nothing to keep in step: no round, the stored link stays as it is.
      if (imported.groups === 0) return 0;
      await retry(() => markCoversGroups(db, run.id));
      const storedLink = selection.fullPass ? null : await retry(() => findDeltaLink(db, tenantId, 'groups'));
      pass = storedLink ? 'incremental' : 'full';
      try {
        deltaLink = await followRound(context, storedLink);
      } catch (error) {
        if (!storedLink || !isExpiredLink(error)) throw error;
        context.execution.log.info(
          { tenantId },
          'stored groups delta link expired; reading every group again',
        );
        pass = 'full';
        await retry(() => forgetRounds(db, [run.id]));
        deltaLink = await followRound(context, null);
      }
      const round = { runId: run.id, tenantId, pass, transitive };
      await retry(() => analyzeRoundGroups(db));
      removals = await retry(() => countRoundRemovals(db, round));
      const { met, ignored } = await retry(() => roundTally(db, run.id));
      await retry(async () => {
        await addToTotal(db, run.id, met);
        await addIgnoredMembers(db, run.id, ignored);
      });
      // The candidates, read whole by id, go as a selection's groups do: committed as they are read, those
      // whose sync would remove members (or delete the group) staged for the threshold (sync_run_group_staging).
      let candidates = 0;
      for (let after: string | null = null; ; ) {
        const groups = await retry(() => unconfirmedGroupsAfter(db, round, after, chunkSize));
        if (groups.length === 0) break;
        after = groups[groups.length - 1].id;
        candidates += groups.length;
        const upstream = await readGroupsUpstream(context, groups, policy);
        context.stopIfAsked();
        await retry(() => addToTotal(db, run.id, groups.length));
        await commit({ mode: 'read', groups: upstream });
      }
      context.execution.log.info(
        {
          pass,
          groups: imported.groups,
          met,
          candidates,
          memberships: imported.memberships,
          removals,
          ignored,
        },
        'groups round read',
      );
      return imported.memberships;
    },
    ...groupChunkSteps(run.id, tenantId, settings),
    stagedDeletions: async (selected) => [
      { wouldDelete: removals + (await retry(() => stagedRemovals(db, run.id))), selected },
    ],
    async nextDeletions(mode) {
      if (metAfter !== null) {
        const groups = await retry(() =>
          metGroupsAfter(db, { runId: run.id, tenantId, pass, transitive }, metAfter ?? null, chunkSize),
        );
        metAfter = groups.length < chunkSize ? null : groups[groups.length - 1].id;
        if (groups.length > 0)
          return changesChunk(context, { runId: run.id, tenantId, pass, transitive }, mode, groups);
      }
      const groups = await retry(() => nextStagedGroups(db, run.id, chunkSize));
      return groups.length > 0 ? { mode, groups, staged: true } : null;
    },
    nextDeferred: async () => null,
    settled: async () => undefined,
    async finish(trx, end) {
      // As the users' link: it moves on only with a run that applied everything the round reported.
      if (end.ended && end.status === 'succeeded' && !settings.dryRun && deltaLink) {
        await saveDeltaLink(trx, tenantId, deltaLink, 'groups');
        await saveRoundNesting(trx, { runId: run.id, tenantId, pass });
      }
    },
    // Staged groups left (a run stopped before it resolved them) go with the round's staging at the run's
    // end, whatever way it ends (forgetRunStaging).
    abandon: async () => undefined,
  };
};

/** Follows one round page by page, staging each; returns its deltaLink. */
async function followRound(context: RunContext, deltaLink: string | null): Promise<string> {
  const { db, run, directory } = context.execution;
  const round = { runId: run.id, tenantId: directory.tenantId };
  const pages = directory.client.readGroupsDelta(deltaLink, context.signal);
  try {
    return await followDeltaRound(context, pages, (page) =>
      context.retryOnLostConnection(() => stageRoundPage(db, round, page)),
    );
  } catch (error) {
    // Azure AD refusing the service (the group permission withdrawn) is said as such, not as a failed read.
    if (error instanceof DirectoryError && isAccessFailure(error.failure))
      throw new DirectoryRefusedError(error.failure);
    throw error;
  }
}

/**
 * A chunk of the groups the round met, with what it changes in each: found in the database alone (members
 * listed that are not members here, members here the round removes), so a group of 100,000 members that did
 * not change costs two index walks and no memory. New members that are not users here yet are read by id,
 * to be created under the users' duplicate rule.
 */
async function changesChunk(
  context: RunContext,
  round: Parameters<typeof memberChangesOf>[1],
  mode: DeletionMode,
  groups: MetGroup[],
): Promise<GroupsChunk> {
  const { db, run, directory, policy } = context.execution;
  const changes = await context.retryOnLostConnection(() =>
    memberChangesOf(
      db,
      round,
      groups.map((group) => group.id),
    ),
  );
  const added = [...new Set([...changes.values()].flatMap((change) => change.added))];
  const newcomers = await readNewcomers(context, added);
  return {
    mode,
    groups: groups.map(({ id, objectId, head }) => {
      const change = changes.get(id) ?? { added: [], removed: [] };
      const group = head && { id: objectId, ...head };
      const unstorable = group && unstorableGroup(group);
      if (unstorable)
        return {
          id,
          objectId,
          upstream: { kind: 'failed', failure: { code: unstorable.code, message: unstorable.message } },
        };
      return {
        id,
        objectId,
        upstream: {
          kind: 'changes',
          group,
          members: change.added.flatMap((memberId) => newcomers.get(memberId) ?? []),
          absent: change.removed,
        },
      };
    }),
  };

  /** The added members as a sync adds them: users here as they are, others read by id (a 404 is not added). */
  async function readNewcomers(
    context: RunContext,
    objectIds: string[],
  ): Promise<Map<string, UpstreamMember>> {
    const members = new Map<string, UpstreamMember>();
    if (objectIds.length === 0) return members;
    const known = new Set(
      (
        await context.retryOnLostConnection(() => importedUsersByObjectIds(db, directory.tenantId, objectIds))
      ).map((user) => user.object_id),
    );
    for (const objectId of known)
      members.set(objectId, { objectId, userPrincipalName: null, importable: null, refusal: null });
    const unknown = objectIds.filter((objectId) => !known.has(objectId));
    if (unknown.length === 0) return members;
    const lookups = await directory.client.readUsersByIds(unknown, context.signal, run.id);
    context.stopIfAsked();
    for (const [objectId, lookup] of lookups) {
      if (lookup.kind === 'found') members.set(objectId, upstreamMember(lookup.user, directory, policy));
      else if (lookup.kind === 'failed') {
        if (isAccessFailure(lookup.failure)) throw new DirectoryRefusedError(lookup.failure);
        members.set(objectId, refusedMember(objectId, lookup.failure));
      }
    }
    return members;
  }
}
