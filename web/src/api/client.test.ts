import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, problem } from '@/test-support/fakeApi';
import { api, call, whenSessionLost } from './client';
import { ApiError } from './problem';

describe('api client', () => {
  let server: ReturnType<typeof fakeApi>;
  const sessionLost = vi.fn();

  beforeEach(() => {
    server = fakeApi();
    sessionLost.mockReset();
    whenSessionLost(sessionLost);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('rejects with the problem of an error answer', async () => {
    server.on('GET', '/api/users/{id}'.replace('{id}', 'u1'), problem(404, 'user_not_found', 'No such user'));
    const failure = await call(api.GET('/api/users/{id}', { params: { path: { id: 'u1' } } })).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure.status).toBe(404);
    expect(failure.code).toBe('user_not_found');
    expect(failure.message).toBe('No such user.');
  });

  it('reports a lost session on a 401 anywhere but the sign-in form', async () => {
    server.on('GET', '/api/sync', problem(401, 'unauthenticated', 'Sign in first'));
    server.on('POST', '/api/auth/sign-in', problem(401, 'invalid_credentials', 'Wrong username or password'));

    await call(api.POST('/api/auth/sign-in', { body: { username: 'a', password: 'b' } })).catch(
      () => undefined,
    );
    expect(sessionLost).not.toHaveBeenCalled();

    await call(api.GET('/api/sync')).catch(() => undefined);
    expect(sessionLost).toHaveBeenCalledTimes(1);
  });

  it('sends cookies with each request', async () => {
    const credentials: RequestCredentials[] = [];
    vi.stubGlobal('fetch', async (request: Request) => {
      credentials.push(request.credentials);
      return new Response('{"items":[]}', { status: 200, headers: { 'content-type': 'application/json' } });
    });
    await call(api.GET('/api/api-keys'));
    expect(credentials).toEqual(['include']);
  });
});
