import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import { useAuthStore } from '@/features/auth/authStore';
import { type MessageKey, t } from '@/i18n';

declare module 'vue-router' {
  interface RouteMeta {
    /** The page's title in the catalogue: the header and the browser tab show it. */
    titleKey: MessageKey;
    /** Reachable without a session (only the sign-in page). */
    public?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    {
      path: '/sign-in',
      name: 'sign-in',
      component: () => import('@/features/auth/SignInView.vue'),
      meta: { titleKey: 'shell.page.signIn', public: true },
    },
    {
      path: '/',
      component: () => import('@/shell/AppLayout.vue'),
      meta: { titleKey: 'shell.page.home' },
      children: [
        { path: '', redirect: { name: 'users' }, meta: { titleKey: 'shell.page.users' } },
        {
          path: 'users',
          name: 'users',
          component: () => import('@/features/users/UsersView.vue'),
          meta: { titleKey: 'shell.page.users' },
        },
        {
          path: 'users/azure-ad-sync',
          name: 'azure-ad-sync',
          component: () => import('@/features/sync/SyncView.vue'),
          meta: { titleKey: 'shell.page.azureAdSynchronization' },
        },
        {
          path: 'users/import',
          name: 'import',
          component: () => import('@/features/import/ImportView.vue'),
          meta: { titleKey: 'shell.page.import' },
        },
        {
          path: 'groups',
          name: 'groups',
          component: () => import('@/features/groups/GroupsView.vue'),
          meta: { titleKey: 'shell.page.groups' },
        },
        {
          path: 'groups/import',
          name: 'group-import',
          component: () => import('@/features/groups/GroupImportView.vue'),
          meta: { titleKey: 'shell.page.importGroups' },
        },
        {
          path: 'groups/azure-ad-sync',
          name: 'group-sync',
          component: () => import('@/features/groups/GroupSyncView.vue'),
          meta: { titleKey: 'shell.page.groupSync' },
        },
        {
          path: 'history',
          name: 'history',
          component: () => import('@/features/syncRuns/RunHistoryView.vue'),
          meta: { titleKey: 'shell.page.history' },
        },
        {
          path: 'history/:runId',
          name: 'run',
          component: () => import('@/features/syncRuns/RunDetailView.vue'),
          props: true,
          meta: { titleKey: 'shell.page.run' },
        },
        {
          path: 'settings',
          name: 'settings',
          component: () => import('@/features/settings/SettingsView.vue'),
          meta: { titleKey: 'shell.page.settings' },
        },
        {
          path: 'api-keys',
          name: 'api-keys',
          component: () => import('@/features/apiKeys/ApiKeysView.vue'),
          meta: { titleKey: 'shell.page.apiKeys' },
        },
        {
          path: ':unknown(.*)*',
          name: 'not-found',
          component: () => import('@/shell/NotFoundView.vue'),
          meta: { titleKey: 'shell.page.notFound' },
        },
      ],
    },
  ],
});

router.beforeEach(async (to: RouteLocationNormalized) => {
  const auth = useAuthStore();
  if (!auth.checked) {
    // A service that cannot be reached leaves the admin on the sign-in page, which says so on submit.
    await auth.loadIdentity().catch(() => undefined);
  }
  if (!to.meta.public && !auth.isSignedIn) {
    return { name: 'sign-in', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  }
  if (to.name === 'sign-in' && auth.isSignedIn) return { name: 'users' };
  return true;
});

router.afterEach((to) => {
  document.title = t('shell.brand.documentTitle', { page: t(to.meta.titleKey) });
});
