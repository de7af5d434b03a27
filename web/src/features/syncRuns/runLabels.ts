import type { FieldChange, SyncOutcome, SyncRun, SyncRunStatus } from '@/api/schemas';
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
  return { title: t('syncRuns.errorTitle.someUsersFailed'), type: 'warning' };
}

// In the seed's order: modified, deleted, duplicated first; then what the seed does not count.
export const OUTCOMES: readonly SyncOutcome[] = ['modified', 'deleted', 'duplicated', 'unchanged', 'failed'];

export function fieldLabel(field: FieldChange['field']): string {
  return field === 'isActive' ? t('syncRuns.field.isActive') : profileFieldLabel(field);
}

export function describeSelection(run: SyncRun): string {
  const { kind, count, search, requested } = run.selection;
  const users = t('count.users', { count: formatCount(count) }, count);
  if (kind === 'userIds') {
    // Ids of users that are not (or no longer) imported from this tenant are left out by the service.
    return requested !== null && requested > count
      ? t('syncRuns.selection.pickedLeftOut', { users, leftOut: formatCount(requested - count) })
      : t('syncRuns.selection.picked', { users });
  }
  return search
    ? t('syncRuns.selection.allMatching', { search, users })
    : t('syncRuns.selection.all', { users });
}

export function describeRequester(run: SyncRun): string {
  const { kind, name } = run.requestedBy;
  if (kind === 'apiKey') return t('syncRuns.requester.apiKey', { name });
  if (kind === 'schedule') return t('syncRuns.requester.schedule');
  return name;
}
