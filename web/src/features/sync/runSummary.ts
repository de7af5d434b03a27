import type { SyncCounts, SyncRun } from '@/api/schemas';
import { countRunObjects, isGroupRun } from '@/features/syncRuns/runLabels';
import { t } from '@/i18n';
import { formatCount } from '@/shell/format';

const SUMMARY_WORDS = {
  users: { dryRun: 'sync.summary.dryRun', of: 'sync.summary.of', blocked: 'sync.summary.blocked' },
  groups: {
    dryRun: 'groupSync.summary.dryRun',
    of: 'groupSync.summary.of',
    blocked: 'groupSync.summary.blocked',
  },
} as const;

/** A run of groups' member changes: "2 members added, 1 member removed, 1 user created." */
export function summarizeMembers(run: SyncRun): string {
  if (!run.groupCounts) return '';
  const { membersAdded, membersRemoved, usersCreated } = run.groupCounts;
  const counted = (key: 'membersAdded' | 'membersRemoved' | 'usersCreated', count: number) =>
    t(`groupSync.summary.${key}`, { count: formatCount(count) }, count);
  return t('groupSync.summary.members', {
    added: counted('membersAdded', membersAdded),
    removed: counted('membersRemoved', membersRemoved),
    created: counted('usersCreated', usersCreated),
  });
}

/** "1 modified, 1 deleted, 1 duplicated and 2 unchanged": unchanged and failed only when there are any. */
function countsSentence({ modified, deleted, duplicated, unchanged, failed }: SyncCounts): string {
  const parts = [
    t('sync.summary.modified', { count: formatCount(modified) }),
    t('sync.summary.deleted', { count: formatCount(deleted) }),
    t('sync.summary.duplicated', { count: formatCount(duplicated) }),
  ];
  if (unchanged) parts.push(t('sync.summary.unchanged', { count: formatCount(unchanged) }));
  if (failed) parts.push(t('sync.summary.failed', { count: formatCount(failed) }));
  return t('sync.summary.and', { rest: parts.slice(0, -1).join(', '), last: parts.at(-1) ?? '' });
}

/** A whole-directory run that covered groups: its groups' outcomes, counted apart from its users'. */
function summarizeDirectoryGroups(run: SyncRun): string {
  const groups = run.groupCounts?.groups;
  return groups ? t('groupSync.summary.directoryGroups', { counts: countsSentence(groups) }) : '';
}

/**
 * The seed's message box sentence: "Of 4 users: 2 modified, 1 deleted and 1 duplicated."; for a run of groups
 * also its member changes; for a whole-directory run that covered groups, its groups' outcomes and member
 * changes too. A run that covered no groups says nothing of them.
 */
export function summarizeRun(run: SyncRun): string {
  const counts = countsSentence(run.counts);
  const selected = countRunObjects(run, run.selection.count);
  const words = SUMMARY_WORDS[isGroupRun(run) ? 'groups' : 'users'];
  const groups = [summarizeDirectoryGroups(run), summarizeMembers(run)];
  const named = { users: selected, groups: selected, counts };
  if (run.dryRun) return [t(words.dryRun, named), ...groups].filter(Boolean).join(' ');
  const main = run.mainFailure;
  const failures = main
    ? t('sync.summary.mainFailure', {
        users: countRunObjects(run, main.count),
        code: main.code,
        message: main.message,
      })
    : '';
  const summary = t(run.status === 'blocked' ? words.blocked : words.of, named);
  return [summary, ...groups, failures].filter(Boolean).join(' ');
}

export function resultTitle(run: SyncRun): string {
  switch (run.status) {
    case 'blocked':
      return t(isGroupRun(run) ? 'groupSync.blocked.resultTitle' : 'sync.result.blocked');
    case 'failed':
      return t('sync.result.failed');
    case 'interrupted':
      return t('sync.result.interrupted');
    case 'partial':
      return t(isGroupRun(run) ? 'groupSync.partial' : 'sync.result.partial');
    default:
      return t(run.dryRun ? 'sync.result.dryRun' : 'sync.result.complete');
  }
}
