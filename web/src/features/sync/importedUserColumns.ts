import type { DataTableColumns } from 'naive-ui';
import { h } from 'vue';
import type { ImportedUserSort, ProfileField, SortOrder, User } from '@/api/schemas';
import { t } from '@/i18n';
import { serverSorted } from '@/shell/listColumns';
import { PROFILE_FIELD_KEYS, PROFILE_FIELDS, profileFieldLabel } from '@/shell/profileFields';
import { selectionColumn } from '@/shell/selectionColumn';
import TimeStamp from '@/shell/TimeStamp.vue';

type SelectionState = Parameters<typeof selectionColumn<User>>[0];

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
    ...(byServer ? serverSorted(field as ImportedUserSort, sort, order) : { key: field }),
    render: (user) => user[field] ?? '—',
  };
}

export function importedUserColumns(
  selection: SelectionState,
  sort: ImportedUserSort,
  order: SortOrder,
): DataTableColumns<User> {
  return [
    selectionColumn(selection, {
      page: t('sync.table.selectPage'),
      row: (user) => t('sync.table.selectUser', { username: user.username }),
    }),
    ...PROFILE_FIELD_KEYS.map((field) => profileColumn(field, sort, order)),
    {
      title: t('sync.table.lastSynchronized'),
      minWidth: 170,
      render: (user) => h(TimeStamp, { at: user.lastSyncedAt }),
      ...serverSorted<ImportedUserSort>('lastSyncedAt', sort, order),
    },
  ];
}
