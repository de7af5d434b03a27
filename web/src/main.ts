import { createPinia } from 'pinia';
import { createApp, watchEffect } from 'vue';
import { whenSessionLost } from '@/api/client';
import App from './App.vue';
import { useAuthStore } from './features/auth/authStore';
import { i18n } from './i18n';
import { router } from './router';
import './shell/base.css';

const app = createApp(App);
app.use(createPinia());
app.use(router);
app.use(i18n);

// The page's language is the catalogue's, for screen readers' pronunciation and the browser's hyphenation.
watchEffect(() => {
  document.documentElement.lang = i18n.global.locale.value;
});

whenSessionLost(() => {
  const auth = useAuthStore();
  const current = router.currentRoute.value;
  if (auth.expireSession() && current.name !== 'sign-in') {
    void router.push({ name: 'sign-in', query: { redirect: current.fullPath } });
  }
});

app.mount('#app');
