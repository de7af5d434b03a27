import { type DataTableColumns, NButton, NSpace, NTag } from 'naive-ui';
import { h } from 'vue';
import type { User } from '@/api/schemas';
import { t } from '@/i18n';
import { fullName } from '@/shell/format';
import { profileFieldLabel } from '@/shell/profileFields';
import TimeStamp from '@/shell/TimeStamp.vue';

interface UserActions {
  edit(user: User): void;
  remove(user: User): void;
  /** Starts a run for this one imported user. */
  synchronize(user: User): void;
  /** Whether a run is going or starting: one run at a time. */
  syncBusy(): boolean;
}

function renderSource(user: User) {
  return user.source === 'azure_ad'
    ? h(NTag, { size: 'small', type: 'info', bordered: false }, () => t('users.source.azure_ad'))
    : h(NTag, { size: 'small', bordered: false }, () => t('users.source.local'));
}

// Imported users change only through synchronization: no edit or delete, but a run for that user alone.
function renderActions(user: User, actions: UserActions) {
  if (user.source !== 'local')
    return h(
      NButton,
      {
        size: 'small',
        'aria-label': t('sync.userRow.synchronizeUser', { username: user.username }),
        disabled: actions.syncBusy(),
        onClick: () => actions.synchronize(user),
      },
      () => t('sync.userRow.synchronize'),
    );
  return h(NSpace, { size: 'small', wrap: false }, () => [
    h(
      NButton,
      {
        size: 'small',
        'aria-label': t('users.editFor', { username: user.username }),
        onClick: () => actions.edit(user),
      },
      () => t('users.edit'),
    ),
    h(
      NButton,
      {
        size: 'small',
        type: 'error',
        ghost: true,
        'aria-label': t('users.delete.actionFor', { username: user.username }),
        onClick: () => actions.remove(user),
      },
      () => t('users.delete.action'),
    ),
  ]);
}

export function userColumns(actions: UserActions): DataTableColumns<User> {
  return [
    { title: profileFieldLabel('username'), key: 'username', minWidth: 170, ellipsis: { tooltip: true } },
    { title: t('users.column.name'), key: 'name', minWidth: 130, render: fullName },
    { title: profileFieldLabel('email'), key: 'email', minWidth: 180, ellipsis: { tooltip: true } },
    { title: t('users.column.source'), key: 'source', width: 96, render: renderSource },
    {
      title: t('users.column.status'),
      key: 'isActive',
      width: 90,
      render: (user) =>
        h(NTag, { size: 'small', type: user.isActive ? 'success' : 'default', bordered: false }, () =>
          t(user.isActive ? 'users.status.active' : 'users.status.inactive'),
        ),
    },
    {
      title: t('users.column.lastSynchronized'),
      key: 'lastSyncedAt',
      minWidth: 140,
      render: (user) => h(TimeStamp, { at: user.lastSyncedAt }),
    },
    {
      title: t('users.column.actions'),
      key: 'actions',
      width: 150,
      render: (user) => renderActions(user, actions),
    },
  ];
}
