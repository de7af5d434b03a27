import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, problem } from '@/test-support/fakeApi';
import { useAuthStore } from './authStore';

const admin = {
  kind: 'administrator',
  id: '22222222-2222-4222-8222-222222222222',
  name: 'admin',
  scopes: [],
};

describe('useAuthStore', () => {
  let server: ReturnType<typeof fakeApi>;
  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('treats a 401 from /me as "not signed in", not as an error', async () => {
    server.on('GET', '/api/auth/me', problem(401, 'unauthenticated', 'Sign in first'));
    const auth = useAuthStore();
    await auth.loadIdentity();
    expect(auth.isSignedIn).toBe(false);
    expect(auth.checked).toBe(true);
  });

  it('says the session expired only when someone was signed in', async () => {
    server.on('POST', '/api/auth/sign-in', { status: 200, body: admin });
    const auth = useAuthStore();
    expect(auth.expireSession()).toBe(false);
    expect(auth.sessionExpired).toBe(false);

    await auth.signIn('admin', 'secret');
    expect(server.requests[0].body).toEqual({ username: 'admin', password: 'secret' });
    expect(auth.expireSession()).toBe(true);
    expect(auth.sessionExpired).toBe(true);
    expect(auth.isSignedIn).toBe(false);
  });
});
