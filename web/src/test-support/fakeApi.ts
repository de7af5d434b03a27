// A stand-in for the service at the fetch boundary, for unit tests of stores and the client.
import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Reply = { status: number; body?: unknown };
type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export function fakeApi() {
  const handlers = new Map<string, Handler>();
  const requests: RecordedRequest[] = [];

  vi.stubGlobal('fetch', async (input: Request) => {
    const url = new URL(input.url);
    const text = await input.text();
    const request: RecordedRequest = {
      method: input.method,
      path: url.pathname,
      query: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(request);
    const handler = handlers.get(`${request.method} ${request.path}`);
    const reply = handler
      ? await handler(request)
      : problem(404, 'not_found', `No fake for ${request.method} ${request.path}`);
    const isProblem = reply.status >= 400;
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': isProblem ? 'application/problem+json' : 'application/json' },
    });
  });

  return {
    requests,
    on(method: string, path: string, handler: Handler | Reply) {
      handlers.set(`${method} ${path}`, typeof handler === 'function' ? handler : () => handler);
    },
  };
}

export function problem(
  status: number,
  code: string,
  title: string,
  extra: Record<string, unknown> = {},
): Reply {
  return { status, body: { type: 'about:blank', status, code, title, ...extra } };
}
