import type { DataTableColumns } from 'naive-ui';
import { h } from 'vue';
import type { Group } from '@/api/schemas';
import { t } from '@/i18n';
import { selectionColumn } from '@/shell/selectionColumn';
import TimeStamp from '@/shell/TimeStamp.vue';
import { groupNameColumns } from './groupColumns';

type SelectionState = Parameters<typeof selectionColumn<Group>>[0];

export function importedGroupColumns(selection: SelectionState): DataTableColumns<Group> {
  return [
    selectionColumn(selection, {
      page: t('groupSync.table.selectPage'),
      row: (group) => t('groupSync.table.selectGroup', { name: group.name }),
    }),
    ...groupNameColumns(),
    { title: t('groups.column.members'), key: 'memberCount', width: 90 },
    {
      title: t('sync.table.lastSynchronized'),
      key: 'lastSyncedAt',
      minWidth: 170,
      render: (group) => h(TimeStamp, { at: group.lastSyncedAt }),
    },
  ];
}
