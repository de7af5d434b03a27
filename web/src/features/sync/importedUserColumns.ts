import { type DataTableColumns, NCheckbox } from 'naive-ui';
import { h } from 'vue';
import type { ImportedUserSort, SortOrder, User } from '@/api/schemas';
import { formatDateTime } from '@/shell/format';

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
        'aria-label': 'Select all users on this page',
        onUpdateChecked: (checked: boolean) => selection.togglePage(checked),
      }),
    render: (user) =>
      h(NCheckbox, {
        checked: selection.isSelected(user),
        'aria-label': `Select ${user.username}`,
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

export function importedUserColumns(
  selection: SelectionState,
  sort: ImportedUserSort,
  order: SortOrder,
): DataTableColumns<User> {
  return [
    selectionColumn(selection),
    { title: 'Username', minWidth: 260, ellipsis: { tooltip: true }, ...sortable('username', sort, order) },
    { title: 'First name', minWidth: 110, ...sortable('firstName', sort, order) },
    { title: 'Last name', minWidth: 110, ...sortable('lastName', sort, order) },
    { title: 'Email', minWidth: 220, ellipsis: { tooltip: true }, ...sortable('email', sort, order) },
    {
      title: 'Contact number',
      key: 'contactNumber',
      minWidth: 140,
      render: (user) => user.contactNumber ?? '—',
    },
    {
      title: 'Last synchronized',
      minWidth: 200,
      render: (user) => formatDateTime(user.lastSyncedAt),
      ...sortable('lastSyncedAt', sort, order),
    },
  ];
}
