import {
  CloudDownloadOutline,
  KeyOutline,
  PeopleOutline,
  SettingsOutline,
  SyncOutline,
  TimeOutline,
} from '@vicons/ionicons5';
import { type MenuOption, NIcon } from 'naive-ui';
import { type Component, h } from 'vue';
import { RouterLink } from 'vue-router';

interface Destination {
  routeName: string;
  label: string;
  icon: Component;
}

const destinations: Destination[] = [
  { routeName: 'users', label: 'Users', icon: PeopleOutline },
  { routeName: 'azure-ad-sync', label: 'Azure AD sync', icon: SyncOutline },
  { routeName: 'import', label: 'Import users', icon: CloudDownloadOutline },
  { routeName: 'history', label: 'Sync history', icon: TimeOutline },
  { routeName: 'settings', label: 'Settings', icon: SettingsOutline },
  { routeName: 'api-keys', label: 'API keys', icon: KeyOutline },
];

// Labels are real links, so the menu works with the keyboard, middle-click and screen readers.
export const menuOptions: MenuOption[] = destinations.map((destination) => ({
  key: destination.routeName,
  label: () => h(RouterLink, { to: { name: destination.routeName } }, { default: () => destination.label }),
  icon: () => h(NIcon, { 'aria-hidden': 'true' }, { default: () => h(destination.icon) }),
}));

/** Which menu entry a route belongs to (a run's page belongs to the history). */
export function menuKeyFor(routeName: string | undefined): string | undefined {
  if (routeName === 'run') return 'history';
  return destinations.some((destination) => destination.routeName === routeName) ? routeName : undefined;
}
