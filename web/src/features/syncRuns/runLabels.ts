import type { FieldChange, ProfileField, SyncOutcome, SyncRun, SyncRunStatus } from '@/api/schemas';
import { PROFILE_FIELD_KEYS, profileFieldLabel } from '@/shell/profileFields';

type TagType = 'default' | 'info' | 'success' | 'warning' | 'error';

export const STATUS_LABELS: Record<SyncRunStatus, { label: string; tag: TagType }> = {
  queued: { label: 'Queued', tag: 'default' },
  running: { label: 'Running', tag: 'info' },
  succeeded: { label: 'Succeeded', tag: 'success' },
  // Some users could not be synchronized: never shown as a success.
  partial: { label: 'Completed with failures', tag: 'warning' },
  failed: { label: 'Failed', tag: 'error' },
  blocked: { label: 'Blocked', tag: 'warning' },
  interrupted: { label: 'Interrupted', tag: 'error' },
};

/** How a run's `error` is titled: for a run that went through its users, it counts the ones that failed. */
export function errorNotice(run: SyncRun): { title: string; type: 'warning' | 'error' } {
  if (run.status === 'interrupted') return { title: 'Interrupted', type: 'error' };
  if (run.status === 'failed') return { title: 'Failed', type: 'error' };
  return { title: 'Some users could not be synchronized', type: 'warning' };
}

// In the seed's order: modified, deleted, duplicated first; then what the seed does not count.
export const OUTCOMES: readonly SyncOutcome[] = ['modified', 'deleted', 'duplicated', 'unchanged', 'failed'];

export const OUTCOME_LABELS: Record<SyncOutcome, string> = {
  modified: 'Modified',
  deleted: 'Deleted',
  duplicated: 'Duplicated',
  unchanged: 'Unchanged',
  failed: 'Failed',
};

export const FIELD_LABELS: Record<FieldChange['field'], string> = {
  ...(Object.fromEntries(PROFILE_FIELD_KEYS.map((field) => [field, profileFieldLabel(field)])) as Record<
    ProfileField,
    string
  >),
  isActive: 'Active',
};

export function describeSelection(run: SyncRun): string {
  const { kind, count, search, requested } = run.selection;
  const users = `${count} user${count === 1 ? '' : 's'}`;
  if (kind === 'userIds') {
    // Ids of users that are not (or no longer) imported from this tenant are left out by the service.
    const leftOut = requested !== null && requested > count ? `, ${requested - count} left out` : '';
    return `${users} picked${leftOut}`;
  }
  return search ? `All matching “${search}” (${users})` : `All imported users (${users})`;
}

export function describeRequester(run: SyncRun): string {
  const { kind, name } = run.requestedBy;
  if (kind === 'apiKey') return `API key ${name}`;
  if (kind === 'schedule') return 'Schedule';
  return name;
}
