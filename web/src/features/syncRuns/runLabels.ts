import type { FieldChange, SyncCounts, SyncOutcome, SyncRun, SyncRunStatus } from '@/api/schemas';
import { t } from '@/i18n';
import { formatCount } from '@/shell/format';
import { profileFieldLabel } from '@/shell/profileFields';

type TagType = 'default' | 'info' | 'success' | 'warning' | 'error';

export const STATUS_TAGS: Record<SyncRunStatus, TagType> = {
  queued: 'default',
  running: 'info',
  succeeded: 'success',
  // Some users could not be synchronized: never shown as a success.
  partial: 'warning',
  failed: 'error',
  blocked: 'warning',
  interrupted: 'error',
};

/** How a run's `error` is titled: for a run that went through its users, it counts the ones that failed. */
export function errorNotice(run: SyncRun): { title: string; type: 'warning' | 'error' } {
  if (run.status === 'interrupted') return { title: t('syncRuns.errorTitle.interrupted'), type: 'error' };
  if (run.status === 'failed') return { title: t('syncRuns.errorTitle.failed'), type: 'error' };
  return {
    title: t(isGroupRun(run) ? 'groupSync.someGroupsFailed' : 'syncRuns.errorTitle.someUsersFailed'),
    type: 'warning',
  };
}

// In the seed's order: modified, deleted, duplicated first; then what the seed does not count.
export const OUTCOMES: readonly SyncOutcome[] = ['modified', 'deleted', 'duplicated', 'unchanged', 'failed'];

export function fieldLabel(field: FieldChange['field']): string {
  return field === 'isActive' ? t('syncRuns.field.isActive') : profileFieldLabel(field);
}

/** Whether a run synchronized imported groups (runs from before groups have no kind: users). */
export function isGroupRun(run: Pick<SyncRun, 'kind'>): boolean {
  return run.kind === 'groups';
}

/** The kinds of objects a run has outcomes and items of: its users (`items`) and its groups (`group-items`). */
export type RunObjects = 'users' | 'groups';

/** The outcomes of one kind of object in a run. */
export interface RunPart {
  objects: RunObjects;
  counts: SyncCounts;
}

/**
 * What a run's outcomes are of: its users, or a run of groups' groups; a whole-directory run that covered
 * groups has both, its groups counted apart (`groupCounts.groups`).
 */
export function runParts(run: Pick<SyncRun, 'kind' | 'counts' | 'groupCounts'>): RunPart[] {
  const parts: RunPart[] = [{ objects: isGroupRun(run) ? 'groups' : 'users', counts: run.counts }];
  const groups = run.groupCounts?.groups;
  if (groups && !isGroupRun(run)) parts.push({ objects: 'groups', counts: groups });
  return parts;
}

/** "3 users" or "3 groups": what a run's counts count. */
export function countRunObjects(run: Pick<SyncRun, 'kind'>, count: number): string {
  return t(isGroupRun(run) ? 'count.groups' : 'count.users', { count: formatCount(count) }, count);
}

const SELECTION_WORDS = {
  users: {
    picked: 'syncRuns.selection.picked',
    pickedLeftOut: 'syncRuns.selection.pickedLeftOut',
    allMatching: 'syncRuns.selection.allMatching',
    all: 'syncRuns.selection.all',
  },
  groups: {
    picked: 'groupSync.selection.picked',
    pickedLeftOut: 'groupSync.selection.pickedLeftOut',
    allMatching: 'groupSync.selection.allMatching',
    all: 'groupSync.selection.all',
  },
} as const;

export function describeSelection(run: SyncRun): string {
  const { kind, count, search, requested } = run.selection;
  const objects = countRunObjects(run, count);
  const words = SELECTION_WORDS[isGroupRun(run) ? 'groups' : 'users'];
  const named = { users: objects, groups: objects };
  if (kind === 'userIds' || kind === 'groupIds') {
    // Ids that are not (or no longer) imported from this tenant are left out by the service.
    return requested !== null && requested > count
      ? t(words.pickedLeftOut, { ...named, leftOut: formatCount(requested - count) })
      : t(words.picked, named);
  }
  return search ? t(words.allMatching, { ...named, search }) : t(words.all, named);
}

export function describeRequester(run: SyncRun): string {
  const { kind, name } = run.requestedBy;
  if (kind === 'apiKey') return t('syncRuns.requester.apiKey', { name });
  if (kind === 'schedule') return t('syncRuns.requester.schedule');
  return name;
}
