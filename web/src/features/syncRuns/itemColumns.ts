import { type DataTableColumns, NTag } from 'naive-ui';
import { h } from 'vue';
import type { FieldChange, SyncOutcome, SyncRunItem } from '@/api/schemas';
import { t } from '@/i18n';
import { fullName } from '@/shell/format';
import { fieldLabel } from './runLabels';

// A dry run, or deletions held back by the threshold, report what would happen without doing it.
export function renderNotApplied(item: { applied: boolean }) {
  return item.applied
    ? null
    : h(NTag, { size: 'tiny', bordered: false, type: 'warning' }, () => t('syncRuns.tag.notApplied'));
}

/** Why an item failed: the service's message, over its code. */
export const failureColumn = (title: string) => ({
  title,
  key: 'failure',
  minWidth: 280,
  render: (item: Pick<SyncRunItem, 'failure'>) =>
    item.failure
      ? h('div', [h('div', item.failure.message), h('code', { class: 'muted' }, item.failure.code)])
      : '—',
});

const userColumn = () => ({
  title: t('syncRuns.column.user'),
  key: 'user',
  minWidth: 200,
  render: (item: SyncRunItem) =>
    h('div', [
      h('strong', item.username),
      ' ',
      renderNotApplied(item),
      h('div', { class: 'muted' }, item.email),
    ]),
});

// `isActive` changes carry booleans, the profile fields strings.
const shownValue = (value: FieldChange['before']) =>
  value === null ? t('syncRuns.item.empty') : String(value);

// A sync deactivates a user only when Azure AD has it disabled, and reactivates one it had deactivated.
const stateChange = (after: boolean) => t(after ? 'syncRuns.item.reactivated' : 'syncRuns.item.deactivated');

function renderChange(change: FieldChange) {
  if (change.field === 'isActive') return h('li', stateChange(change.after === true));
  return h('li', [
    h('span', { class: 'muted' }, `${fieldLabel(change.field)}: `),
    h('del', shownValue(change.before)),
    ' → ',
    h('ins', shownValue(change.after)),
  ]);
}

const detailColumn: Record<SyncOutcome, () => DataTableColumns<SyncRunItem>[number] | null> = {
  duplicated: () => ({
    title: t('syncRuns.column.collidesWith'),
    key: 'duplicateOf',
    minWidth: 240,
    render: (item) =>
      item.duplicateOf
        ? h('div', [
            h('strong', item.duplicateOf.username),
            h('div', { class: 'muted' }, item.duplicateOf.email),
            h(
              'div',
              { class: 'muted' },
              t(
                item.duplicateOf.field === 'email' ? 'syncRuns.item.sameEmail' : 'syncRuns.item.sameUsername',
              ),
            ),
          ])
        : '—',
  }),
  modified: () => ({
    title: t('syncRuns.column.changes'),
    key: 'changes',
    minWidth: 280,
    render: (item) => h('ul', { class: 'changes' }, item.changes.map(renderChange)),
  }),
  deleted: () => ({
    title: t('syncRuns.column.lastState'),
    key: 'lastState',
    minWidth: 240,
    render: (item) =>
      item.lastState
        ? h('div', [
            h('div', fullName(item.lastState)),
            h('div', { class: 'muted' }, item.lastState.contactNumber ?? ''),
          ])
        : '—',
  }),
  failed: () => failureColumn(t('syncRuns.column.reason')),
  unchanged: () => null,
};

const changesNotMadeColumn = (): DataTableColumns<SyncRunItem>[number] => ({
  title: t('syncRuns.column.changesNotMade'),
  key: 'changesNotMade',
  minWidth: 260,
  render: (item) => h('ul', { class: 'changes' }, item.changes.map(renderChange)),
});

export function itemColumns(outcome: SyncOutcome): DataTableColumns<SyncRunItem> {
  const detail = detailColumn[outcome]();
  if (outcome === 'duplicated') return [userColumn(), detail!, changesNotMadeColumn()];
  return detail ? [userColumn(), detail] : [userColumn()];
}
