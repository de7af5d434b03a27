import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/problem';
import { fakeApi } from '@/test-support/fakeApi';
import { useSettingsStore } from './settingsStore';

describe('useSettingsStore.testConnection', () => {
  let server: ReturnType<typeof fakeApi>;
  let tested: unknown[];

  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
    tested = [];
    server.on('POST', '/api/settings/azure-ad/test', (request) => {
      tested.push(request.body);
      const body = request.body as { authorityHost?: string; clientSecret?: string };
      if (body.authorityHost === 'https://login.microsoftonline.us' && !body.clientSecret) {
        return {
          status: 400,
          body: {
            type: 'about:blank#client_secret_required',
            title: 'Bad request',
            status: 400,
            code: 'client_secret_required',
            detail: 'Changing authorityHost needs the client secret again, in the same request.',
            errors: [{ path: 'body.clientSecret', message: 'is needed again to change authorityHost' }],
          },
        };
      }
      return { status: 200, body: { ok: true, code: 'ok', message: 'Connected', sampleUser: null } };
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends the values on screen, and reports a refusal plainly', async () => {
    const store = useSettingsStore();
    const onScreen = {
      tenantId: 'contoso.example',
      clientId: 'abc',
      authorityHost: 'https://login.microsoftonline.com',
    };
    expect(await store.testConnection(onScreen)).toMatchObject({ ok: true });
    expect(tested).toEqual([onScreen]);

    const refused = await store
      .testConnection({ ...onScreen, authorityHost: 'https://login.microsoftonline.us' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('client_secret_required');
    expect((refused as ApiError).message).toContain('needs the client secret again');
    expect(store.connectionTest).toBeNull();
    expect(store.testingConnection).toBe(false);
  });
});
