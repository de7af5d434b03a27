import type { DataTableColumns } from 'naive-ui';
import { h } from 'vue';
import type { Group, ImportedGroupSort, SortOrder } from '@/api/schemas';
import { t } from '@/i18n';
import { serverSorted } from '@/shell/listColumns';
import { selectionColumn } from '@/shell/selectionColumn';
import TimeStamp from '@/shell/TimeStamp.vue';
import { groupNameColumns } from './groupColumns';

type SelectionState = Parameters<typeof selectionColumn<Group>>[0];

/** The imported groups to pick, by name as the server sorts them (the order its index serves). */
export function importedGroupColumns(
  selection: SelectionState,
  sort: ImportedGroupSort,
  order: SortOrder,
): DataTableColumns<Group> {
  const [name, ...described] = groupNameColumns();
  return [
    selectionColumn(selection, {
      page: t('groupSync.table.selectPage'),
      row: (group) => t('groupSync.table.selectGroup', { name: group.name }),
    }),
    { ...name, ...serverSorted<ImportedGroupSort>('name', sort, order) } as DataTableColumns<Group>[number],
    ...described,
    { title: t('groups.column.members'), key: 'memberCount', width: 90 },
    {
      title: t('sync.table.lastSynchronized'),
      key: 'lastSyncedAt',
      minWidth: 170,
      render: (group) => h(TimeStamp, { at: group.lastSyncedAt }),
    },
  ];
}
