import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import { useAuthStore } from '@/features/auth/authStore';

declare module 'vue-router' {
  interface RouteMeta {
    title: string;
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
      meta: { title: 'Sign in', public: true },
    },
    {
      path: '/',
      component: () => import('@/shell/AppLayout.vue'),
      meta: { title: 'Bold Reports' },
      children: [
        { path: '', redirect: { name: 'users' }, meta: { title: 'Users' } },
        {
          path: 'users',
          name: 'users',
          component: () => import('@/features/users/UsersView.vue'),
          meta: { title: 'Users' },
        },
        {
          path: 'users/azure-ad-sync',
          name: 'azure-ad-sync',
          component: () => import('@/features/sync/SyncView.vue'),
          meta: { title: 'Azure AD synchronization' },
        },
        {
          path: 'users/import',
          name: 'import',
          component: () => import('@/features/import/ImportView.vue'),
          meta: { title: 'Import from Azure AD' },
        },
        {
          path: 'history',
          name: 'history',
          component: () => import('@/features/syncRuns/RunHistoryView.vue'),
          meta: { title: 'Sync history' },
        },
        {
          path: 'history/:runId',
          name: 'run',
          component: () => import('@/features/syncRuns/RunDetailView.vue'),
          props: true,
          meta: { title: 'Sync run' },
        },
        {
          path: 'settings',
          name: 'settings',
          component: () => import('@/features/settings/SettingsView.vue'),
          meta: { title: 'Settings' },
        },
        {
          path: 'api-keys',
          name: 'api-keys',
          component: () => import('@/features/apiKeys/ApiKeysView.vue'),
          meta: { title: 'API keys' },
        },
        {
          path: ':unknown(.*)*',
          name: 'not-found',
          component: () => import('@/shell/NotFoundView.vue'),
          meta: { title: 'Page not found' },
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
  document.title = `${to.meta.title} · Azure AD sync · Bold Reports`;
});
