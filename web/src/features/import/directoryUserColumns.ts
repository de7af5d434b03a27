import { type DataTableColumns, NCheckbox, NTag } from 'naive-ui';
import { h } from 'vue';
import type { DirectoryUser } from '@/api/schemas';
import { t } from '@/i18n';
import { fullName } from '@/shell/format';
import { profileFieldLabel } from '@/shell/profileFields';

interface PickState {
  isPicked(user: DirectoryUser): boolean;
  toggle(user: DirectoryUser, picked: boolean): void;
}

function renderStatus(user: DirectoryUser) {
  if (user.status === 'imported')
    return h(NTag, { size: 'small', bordered: false }, () => t('directoryImport.status.imported'));
  if (user.status === 'duplicate') {
    const collision = user.duplicateOf;
    return h('div', { class: 'status-duplicate' }, [
      h(NTag, { size: 'small', type: 'warning', bordered: false }, () =>
        t('directoryImport.status.duplicate'),
      ),
      collision
        ? h(
            'div',
            { class: 'muted' },
            t(`directoryImport.sameAs.${collision.field}`, {
              username: collision.username,
              email: collision.email,
            }),
          )
        : null,
    ]);
  }
  return h(NTag, { size: 'small', type: 'success', bordered: false }, () =>
    t('directoryImport.status.available'),
  );
}

export function directoryUserColumns(picks: PickState): DataTableColumns<DirectoryUser> {
  return [
    {
      key: 'picked',
      width: 48,
      // A duplicate may still be picked: the import then refuses it and says with whom it collides.
      render: (user) =>
        h(NCheckbox, {
          checked: picks.isPicked(user),
          disabled: user.status === 'imported',
          'aria-label': t('directoryImport.selectUser', { username: user.mapped.username }),
          onUpdateChecked: (picked: boolean) => picks.toggle(user, picked),
        }),
    },
    {
      title: t('directoryImport.column.user'),
      key: 'user',
      minWidth: 200,
      render: (user) =>
        h('div', [
          h('strong', user.displayName ?? fullName(user.mapped)),
          h('div', { class: 'muted' }, user.userPrincipalName),
        ]),
    },
    {
      title: profileFieldLabel('username'),
      key: 'username',
      minWidth: 160,
      render: (user) => user.mapped.username,
    },
    { title: profileFieldLabel('email'), key: 'email', minWidth: 180, render: (user) => user.mapped.email },
    {
      title: t('directoryImport.column.name'),
      key: 'name',
      minWidth: 120,
      render: (user) => fullName(user.mapped),
    },
    { title: t('directoryImport.column.status'), key: 'status', minWidth: 200, render: renderStatus },
  ];
}
