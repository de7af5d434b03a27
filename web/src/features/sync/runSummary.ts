import type { SyncRun } from '@/api/schemas';

/** The seed's message box sentence: "2 users modified, 1 deleted and 1 duplicated." */
export function summarizeRun(run: SyncRun): string {
  const { modified, deleted, duplicated, unchanged, failed } = run.counts;
  const parts = [`${modified} modified`, `${deleted} deleted`, `${duplicated} duplicated`];
  if (unchanged) parts.push(`${unchanged} unchanged`);
  if (failed) parts.push(`${failed} failed`);
  const counts = `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  const users = `${run.selection.count} ${run.selection.count === 1 ? 'user' : 'users'}`;
  if (run.dryRun) return `Dry run of ${users}, nothing was changed: ${counts}.`;
  const main = run.mainFailure;
  const failures = main
    ? ` Most common failure (${main.count} ${main.count === 1 ? 'user' : 'users'}, ${main.code}): ${main.message}`
    : '';
  if (run.status === 'blocked') {
    return `Of ${users}: ${counts}. No user was deleted yet: the deletions wait for confirmation.${failures}`;
  }
  return `Of ${users}: ${counts}.${failures}`;
}

export function resultTitle(run: SyncRun): string {
  switch (run.status) {
    case 'blocked':
      return 'Synchronization held back its deletions';
    case 'failed':
      return 'Synchronization failed';
    case 'interrupted':
      return 'Synchronization was interrupted';
    case 'partial':
      return 'Synchronization complete, but some users failed';
    default:
      return run.dryRun ? 'Dry run complete' : 'Synchronization complete';
  }
}
