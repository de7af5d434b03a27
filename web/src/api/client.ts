// The one way the app talks to the service: typed by openapi.yaml, cookie session, problems as errors.
import type { paths } from '@adsync/shared';
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, toProblem } from './problem';

export type ApiPath = keyof paths;

let onSessionLost: () => void = () => {};

/** Registers what happens when the API answers 401 to a signed-in request (the session ended). */
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

// A wrong password is also a 401, but it is the sign-in form's business, not an expired session.
const SIGN_IN_PATH = '/api/auth/sign-in' satisfies ApiPath;

const sessionGuard: Middleware = {
  onResponse({ request, response }) {
    if (response.status === 401 && new URL(request.url).pathname !== SIGN_IN_PATH) onSessionLost();
  },
};

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  credentials: 'include',
  // Looked up on each call rather than captured once, so unit tests can stand in for the network.
  fetch: (request) => globalThis.fetch(request),
});
api.use(sessionGuard);

type ApiResult<T> = { data?: T; error?: unknown; response: Response };

/** Resolves to the answer's body, or rejects with an ApiError built from its problem details. */
export async function call<T>(request: Promise<ApiResult<T>>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) throw new ApiError(response.status, toProblem(response.status, error));
  return data as T;
}
