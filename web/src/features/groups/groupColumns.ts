import { type DataTableColumns, NButton, NSpace, NTag } from 'naive-ui';
import { h } from 'vue';
import type { Group } from '@/api/schemas';
import { t } from '@/i18n';

interface GroupActions {
  members(group: Group): void;
  rename(group: Group): void;
  remove(group: Group): void;
}

function button(label: string, ariaLabel: string, onClick: () => void, danger = false) {
  return h(
    NButton,
    { size: 'small', 'aria-label': ariaLabel, onClick, ...(danger ? { type: 'error', ghost: true } : {}) },
    () => label,
  );
}

// Imported groups follow Azure AD: their members can be seen, but not renamed or deleted here.
function renderActions(group: Group, actions: GroupActions) {
  const name = group.name;
  return h(NSpace, { size: 'small', wrap: false }, () => [
    button(t('groups.action.members'), t('groups.action.membersOf', { name }), () => actions.members(group)),
    ...(group.source === 'local'
      ? [
          button(t('groups.action.rename'), t('groups.action.renameFor', { name }), () =>
            actions.rename(group),
          ),
          button(
            t('groups.action.delete'),
            t('groups.action.deleteFor', { name }),
            () => actions.remove(group),
            true,
          ),
        ]
      : [h('span', { class: 'muted' }, t('groups.managedByAzureAd'))]),
  ]);
}

/** A group's name and description, as every list of groups shows them. */
export function groupNameColumns(): DataTableColumns<Group> {
  return [
    { title: t('groups.column.name'), key: 'name', minWidth: 170, ellipsis: { tooltip: true } },
    {
      title: t('groups.column.description'),
      key: 'description',
      minWidth: 180,
      ellipsis: { tooltip: true },
      render: (group) => group.description ?? '',
    },
  ];
}

export function groupColumns(actions: GroupActions): DataTableColumns<Group> {
  return [
    ...groupNameColumns(),
    {
      title: t('groups.column.source'),
      key: 'source',
      width: 96,
      render: (group) =>
        h(
          NTag,
          { size: 'small', bordered: false, type: group.source === 'azure_ad' ? 'info' : 'default' },
          () => t(`groups.source.${group.source}`),
        ),
    },
    { title: t('groups.column.members'), key: 'memberCount', width: 90 },
    {
      title: t('groups.column.actions'),
      key: 'actions',
      width: 250,
      render: (group) => renderActions(group, actions),
    },
  ];
}
