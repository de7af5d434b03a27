import { createPinia } from 'pinia';
import { createApp } from 'vue';
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

whenSessionLost(() => {
  const auth = useAuthStore();
  const current = router.currentRoute.value;
  if (auth.expireSession() && current.name !== 'sign-in') {
    void router.push({ name: 'sign-in', query: { redirect: current.fullPath } });
  }
});

app.mount('#app');
