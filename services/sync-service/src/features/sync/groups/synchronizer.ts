import { countMembersOfGroups } from '../../groups/member-repository';
import { importedGroupsSelected } from '../../groups/repository';
import { type GroupSelection, recordSelectedCount } from '../runs/run-repository';
import type { SynchronizerFactory } from '../runs/synchronizer';
import { groupChunkSteps } from './chunk-steps';
import type { GroupDecision, GroupsChunk, SelectedGroup, StoredGroups } from './outcomes';
import type { GroupsPlan, GroupsRunSettings } from './plan';
import { readGroupsUpstream } from './read';
import { nextStagedGroups, stagedRemovals } from './staging-repository';

/** Groups read and committed at once: 20 `$filter` items of 15 groups, one `$batch` of groups. */
const groupsPerChunk = 300;
/**
 * Members a chunk holds, as a multiple of SYNC_CHUNK_SIZE (users a chunk of users holds): a chunk of groups
 * ends before the group that would take it over, so 300 groups of 999 members are not held at once. A group
 * of several member pages counts one page: its pages are staged, not held.
 */
const membersPerChunkSize = 10;
const memberPage = 999;

/**
 * Imported groups, kept in step with Azure AD: the second synchronizer. The read takes the selected groups a
 * chunk at a time, each group whole from Graph (the group and every page of its members, see read.ts; a group
 * of several member pages is staged page by page in the database and compared there), and
 * commits each chunk as it comes: a group that keeps all its members is written at once, so progress moves
 * during the read; a group whose sync would remove members (or delete it) is staged in the database with what
 * its sync needs (staging-repository.ts). The deletion threshold judges the staged removals against the
 * memberships of the selected groups, so a run that would strip many members is held back like a mass
 * deletion; then the staged groups are decided, planned and applied chunk by chunk, removals held back or not.
 * Memory holds one chunk or two (the next is read while one is committed), each of at most 300 groups and
 * ten times SYNC_CHUNK_SIZE members, whatever the selection, and of a group of several member pages one page
 * and its changes, whatever its size.
 */
export const groupsSynchronizer: SynchronizerFactory<GroupsChunk, StoredGroups, GroupDecision, GroupsPlan> = (
  context,
) => {
  const { db, run, directory, policy, chunkSize } = context.execution;
  const selection = context.execution.selection as GroupSelection;
  const { tenantId } = directory;
  const retry = context.retryOnLostConnection;
  const settings: GroupsRunSettings = { dryRun: run.dry_run };
  const perChunk = Math.min(chunkSize, groupsPerChunk);

  const selected = () =>
    importedGroupsSelected(
      db,
      tenantId,
      selection.kind === 'groupIds' ? { groupIds: selection.groupIds } : { search: selection.search },
    );
  const membersPerChunk = chunkSize * membersPerChunkSize;
  /** The next groups after `after`, as many as `membersPerChunk` members here allow (one at least). */
  const nextSelected = async (after: string | null) => {
    const rows: Array<SelectedGroup & { held: string | number }> = await retry(() =>
      selected()
        .modify((builder) => {
          if (after) builder.where('id', '>', after);
        })
        .orderBy('id')
        .limit(perChunk)
        .select(
          'id',
          { objectId: 'object_id' },
          db.raw(
            '(select count(*) from (select 1 from group_members m where m.group_id = groups.id limit ?) as page) as held',
            [memberPage],
          ),
        ),
    );
    let held = 0;
    let taken = 0;
    for (const row of rows) {
      held += Number(row.held);
      if (taken > 0 && held > membersPerChunk) break;
      taken += 1;
    }
    const groups = rows.slice(0, taken).map(({ id, objectId }): SelectedGroup => ({ id, objectId }));
    return { groups, more: rows.length === perChunk || taken < rows.length };
  };
  /** The chunk of groups after `after`, read upstream, with the memberships they hold here; null at the end. */
  const readChunk = async (after: string | null) => {
    const { groups, more } = await nextSelected(after);
    if (groups.length === 0) return null;
    const [upstream, memberships] = await Promise.all([
      readGroupsUpstream(context, groups, policy),
      retry(() =>
        countMembersOfGroups(
          db,
          groups.map((group) => group.id),
        ),
      ),
    ]);
    return { upstream, memberships, last: groups[groups.length - 1].id, more };
  };

  return {
    objects: 'groups',
    async read(commit) {
      const count = await retry(async () => {
        const row = await selected().count<{ count: number }[]>({ count: '*' }).first();
        await recordSelectedCount(db, run.id, Number(row?.count ?? 0));
        return Number(row?.count ?? 0);
      });
      let memberships = 0;
      let next = readChunk(null);
      for (let chunk = await next; chunk !== null; chunk = await next) {
        context.stopIfAsked();
        // The next chunk is read from Graph while this one is written.
        next = chunk.more ? readChunk(chunk.last) : Promise.resolve(null);
        next.catch(() => undefined);
        memberships += chunk.memberships;
        await commit({ mode: 'read', groups: chunk.upstream });
      }
      context.execution.log.info({ groups: count, memberships }, 'groups read');
      return memberships;
    },
    ...groupChunkSteps(run.id, tenantId, settings),
    stagedDeletions: async (selected) => [
      { wouldDelete: await retry(() => stagedRemovals(db, run.id)), selected },
    ],
    async nextDeletions(mode) {
      const groups = await retry(() => nextStagedGroups(db, run.id, perChunk));
      return groups.length > 0 ? { mode, groups, staged: true } : null;
    },
    nextDeferred: async () => null,
    settled: async () => undefined,
    // What the run staged (groups held for the threshold, member pages) goes with the run's end, whatever
    // way it ends (forgetRunStaging).
    finish: async () => undefined,
    abandon: async () => undefined,
  };
};
