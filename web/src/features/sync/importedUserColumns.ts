import { type DataTableColumns, NCheckbox } from 'naive-ui';
import { h } from 'vue';
import type { ImportedUserSort, ProfileField, SortOrder, User } from '@/api/schemas';
import { t } from '@/i18n';
import { PROFILE_FIELD_KEYS, PROFILE_FIELDS, profileFieldLabel } from '@/shell/profileFields';
import TimeStamp from '@/shell/TimeStamp.vue';

interface SelectionState {
  isSelected(user: User): boolean;
  toggle(user: User, selected: boolean): void;
  pageState: () => { checked: boolean; indeterminate: boolean };
  togglePage(selected: boolean): void;
}

// Naive UI's own selection column has unlabelled checkboxes; these name the user they select.
function selectionColumn(selection: SelectionState): DataTableColumns<User>[number] {
  return {
    key: 'selected',
    width: 48,
    title: () =>
      h(NCheckbox, {
        ...selection.pageState(),
        'aria-label': t('sync.table.selectPage'),
        onUpdateChecked: (checked: boolean) => selection.togglePage(checked),
      }),
    render: (user) =>
      h(NCheckbox, {
        checked: selection.isSelected(user),
        'aria-label': t('sync.table.selectUser', { username: user.username }),
        onUpdateChecked: (checked: boolean) => selection.toggle(user, checked),
      }),
  };
}

// The server sorts (remote table); the column only shows which way.
function sortable(key: ImportedUserSort, sort: ImportedUserSort, order: SortOrder) {
  const sortOrder: 'ascend' | 'descend' | false =
    key === sort ? (order === 'asc' ? 'ascend' : 'descend') : false;
  return { key, sorter: true as const, sortOrder };
}

// Each profile field of the contract is a column, sorted by the server when the contract offers that sort.
function profileColumn(
  field: ProfileField,
  sort: ImportedUserSort,
  order: SortOrder,
): DataTableColumns<User>[number] {
  const { minWidth, ellipsis, sortable: byServer } = PROFILE_FIELDS[field];
  return {
    title: profileFieldLabel(field),
    minWidth,
    ...(ellipsis ? { ellipsis: { tooltip: true } } : {}),
    ...(byServer ? sortable(field as ImportedUserSort, sort, order) : { key: field }),
    render: (user) => user[field] ?? '—',
  };
}

export function importedUserColumns(
  selection: SelectionState,
  sort: ImportedUserSort,
  order: SortOrder,
): DataTableColumns<User> {
  return [
    selectionColumn(selection),
    ...PROFILE_FIELD_KEYS.map((field) => profileColumn(field, sort, order)),
    {
      title: t('sync.table.lastSynchronized'),
      minWidth: 170,
      render: (user) => h(TimeStamp, { at: user.lastSyncedAt }),
      ...sortable('lastSyncedAt', sort, order),
    },
  ];
}
