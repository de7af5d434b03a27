import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import { ApiError } from '@/api/problem';
import type { Identity } from '@/api/schemas';

export const useAuthStore = defineStore('auth', () => {
  const identity = ref<Identity | null>(null);
  /** Whether the session was asked about since the app loaded (the cookie is httpOnly, unreadable here). */
  const checked = ref(false);
  const sessionExpired = ref(false);

  const isSignedIn = computed(() => identity.value !== null);

  async function loadIdentity(): Promise<void> {
    try {
      identity.value = await call(api.GET('/api/auth/me'));
    } catch (error) {
      identity.value = null;
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    } finally {
      checked.value = true;
    }
  }

  async function signIn(username: string, password: string): Promise<void> {
    identity.value = await call(api.POST('/api/auth/sign-in', { body: { username, password } }));
    sessionExpired.value = false;
    checked.value = true;
  }

  async function signOut(): Promise<void> {
    try {
      await call(api.POST('/api/auth/sign-out'));
    } finally {
      identity.value = null;
    }
  }

  /** The API refused the session. Returns whether someone was signed in, i.e. whether to say it expired. */
  function expireSession(): boolean {
    const wasSignedIn = identity.value !== null;
    identity.value = null;
    if (wasSignedIn) sessionExpired.value = true;
    return wasSignedIn;
  }

  return { identity, checked, sessionExpired, isSignedIn, loadIdentity, signIn, signOut, expireSession };
});
