import type { DataTableColumns } from 'naive-ui';
import { h, type VNodeChild } from 'vue';
import type { GroupFieldChange, GroupMemberRef, SyncOutcome, SyncRunGroupItem } from '@/api/schemas';
import { t } from '@/i18n';
import { failureColumn, renderNotApplied } from './itemColumns';

type NotAdded = SyncRunGroupItem['members']['notAdded'][number];

// Duplicated and failed groups are never applied: nothing to mark.
const notApplied = (item: SyncRunGroupItem) =>
  item.outcome === 'duplicated' || item.outcome === 'failed' ? null : renderNotApplied(item);

const groupColumn = () => ({
  title: t('groupSync.column.group'),
  key: 'group',
  minWidth: 200,
  render: (item: SyncRunGroupItem) => h('div', [h('strong', item.name), ' ', notApplied(item)]),
});

const shownValue = (value: string | null) =>
  value === null || value === '' ? t('syncRuns.item.empty') : value;

function fieldChange(change: GroupFieldChange) {
  return h('li', [
    h('span', { class: 'muted' }, `${t(`groupSync.item.${change.field}`)}: `),
    h('del', shownValue(change.before)),
    ' → ',
    h('ins', shownValue(change.after)),
  ]);
}

const memberName = (member: GroupMemberRef) => member.username;

function notAddedReason(member: NotAdded): string {
  const reason = member.duplicateOf
    ? t('groupSync.item.heldBy', { reason: member.reason, holder: member.duplicateOf.username })
    : member.reason;
  return t('groupSync.item.notAddedReason', {
    member: member.userPrincipalName ?? t('groupSync.item.unknownMember'),
    reason,
  });
}

/** One line of member changes, e.g. "Members added: ada@…, alan@…"; nothing when the list is empty. */
function memberLine(label: string, names: string[]): VNodeChild {
  if (!names.length) return null;
  return h('li', [h('span', { class: 'muted' }, `${label}: `), names.join(', ')]);
}

/** Everything a modified group changed: name, description, members added, removed and created. */
function renderChanges(item: SyncRunGroupItem) {
  const { added, removed, created, notAdded } = item.members;
  return h('ul', { class: 'changes' }, [
    ...item.changes.map(fieldChange),
    memberLine(t('groupSync.item.membersAdded'), added.map(memberName)),
    memberLine(t('groupSync.item.membersRemoved'), removed.map(memberName)),
    memberLine(t('groupSync.item.usersCreated'), created.map(memberName)),
    memberLine(t('groupSync.item.notAdded'), notAdded.map(notAddedReason)),
  ]);
}

const detailColumns: Record<SyncOutcome, () => DataTableColumns<SyncRunGroupItem>> = {
  modified: () => [
    { title: t('groupSync.column.changes'), key: 'changes', minWidth: 320, render: renderChanges },
  ],
  unchanged: () => [],
  deleted: () => [
    {
      title: t('groupSync.column.membersRemoved'),
      key: 'removed',
      minWidth: 280,
      render: (item) => item.members.removed.map(memberName).join(', ') || '—',
    },
  ],
  duplicated: () => [
    {
      title: t('groupSync.column.nameTakenBy'),
      key: 'duplicateOf',
      minWidth: 200,
      render: (item) => item.duplicateOf?.name ?? '—',
    },
    {
      title: t('groupSync.column.changesNotMade'),
      key: 'changesNotMade',
      minWidth: 260,
      render: (item) => h('ul', { class: 'changes' }, item.changes.map(fieldChange)),
    },
  ],
  failed: () => [failureColumn(t('groupSync.column.reason'))],
};

export function groupItemColumns(outcome: SyncOutcome): DataTableColumns<SyncRunGroupItem> {
  return [groupColumn(), ...detailColumns[outcome]()];
}
