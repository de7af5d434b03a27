import {
  CloudDownloadOutline,
  KeyOutline,
  PeopleCircleOutline,
  PeopleOutline,
  SettingsOutline,
  SyncOutline,
  TimeOutline,
} from '@vicons/ionicons5';
import { type MenuOption, NIcon } from 'naive-ui';
import { type Component, h } from 'vue';
import { RouterLink } from 'vue-router';
import { t } from '@/i18n';

type DestinationLabel =
  | 'shell.page.users'
  | 'shell.page.azureAdSync'
  | 'shell.page.importUsers'
  | 'shell.page.groups'
  | 'shell.page.history'
  | 'shell.page.settings'
  | 'shell.page.apiKeys';

interface Destination {
  routeName: string;
  labelKey: DestinationLabel;
  icon: Component;
}

const destinations: Destination[] = [
  { routeName: 'users', labelKey: 'shell.page.users', icon: PeopleOutline },
  { routeName: 'azure-ad-sync', labelKey: 'shell.page.azureAdSync', icon: SyncOutline },
  { routeName: 'import', labelKey: 'shell.page.importUsers', icon: CloudDownloadOutline },
  { routeName: 'groups', labelKey: 'shell.page.groups', icon: PeopleCircleOutline },
  { routeName: 'history', labelKey: 'shell.page.history', icon: TimeOutline },
  { routeName: 'settings', labelKey: 'shell.page.settings', icon: SettingsOutline },
  { routeName: 'api-keys', labelKey: 'shell.page.apiKeys', icon: KeyOutline },
];

// Labels are real links, so the menu works with the keyboard, middle-click and screen readers.
export const menuOptions: MenuOption[] = destinations.map((destination) => ({
  key: destination.routeName,
  label: () =>
    h(RouterLink, { to: { name: destination.routeName } }, { default: () => t(destination.labelKey) }),
  icon: () => h(NIcon, { 'aria-hidden': 'true' }, { default: () => h(destination.icon) }),
}));

/** Which menu entry a route belongs to (a run's page belongs to the history). */
export function menuKeyFor(routeName: string | undefined): string | undefined {
  if (routeName === 'run') return 'history';
  if (routeName === 'group-import' || routeName === 'group-sync') return 'groups';
  return destinations.some((destination) => destination.routeName === routeName) ? routeName : undefined;
}
