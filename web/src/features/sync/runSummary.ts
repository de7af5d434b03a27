import type { SyncRun } from '@/api/schemas';
import { t } from '@/i18n';
import { formatCount } from '@/shell/format';

const users = (count: number) => t('count.users', { count: formatCount(count) }, count);

/** The seed's message box sentence: "2 users modified, 1 deleted and 1 duplicated." */
export function summarizeRun(run: SyncRun): string {
  const { modified, deleted, duplicated, unchanged, failed } = run.counts;
  const parts = [
    t('sync.summary.modified', { count: formatCount(modified) }),
    t('sync.summary.deleted', { count: formatCount(deleted) }),
    t('sync.summary.duplicated', { count: formatCount(duplicated) }),
  ];
  if (unchanged) parts.push(t('sync.summary.unchanged', { count: formatCount(unchanged) }));
  if (failed) parts.push(t('sync.summary.failed', { count: formatCount(failed) }));
  const counts = t('sync.summary.and', { rest: parts.slice(0, -1).join(', '), last: parts.at(-1) ?? '' });
  const selected = users(run.selection.count);
  if (run.dryRun) return t('sync.summary.dryRun', { users: selected, counts });
  const main = run.mainFailure;
  const failures = main
    ? t('sync.summary.mainFailure', { users: users(main.count), code: main.code, message: main.message })
    : '';
  const summary = t(run.status === 'blocked' ? 'sync.summary.blocked' : 'sync.summary.of', {
    users: selected,
    counts,
  });
  return failures ? `${summary} ${failures}` : summary;
}

export function resultTitle(run: SyncRun): string {
  switch (run.status) {
    case 'blocked':
      return t('sync.result.blocked');
    case 'failed':
      return t('sync.result.failed');
    case 'interrupted':
      return t('sync.result.interrupted');
    case 'partial':
      return t('sync.result.partial');
    default:
      return t(run.dryRun ? 'sync.result.dryRun' : 'sync.result.complete');
  }
}
