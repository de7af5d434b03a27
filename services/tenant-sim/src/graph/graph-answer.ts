import { randomUUID } from 'node:crypto';

/**
 * One Graph response, as a value: the HTTP routes send it, and `$batch` embeds it as an item.
 * Keeping handlers pure over this shape is what lets batch items be throttled/faulted exactly like
 * top-level requests.
 */
export interface GraphAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Spelled exactly so: the Graph SDK only parses batch item bodies whose header is `Content-Type`. */
export const JSON_HEADERS = {
  'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true',
};

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): GraphAnswer {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body };
}

/** Graph's date format in innerError: seconds precision, no zone designator. */
function graphDate(): string {
  return new Date().toISOString().slice(0, 19);
}

export function graphError(
  status: number,
  code: string,
  message: string,
  clientRequestId?: string,
  headers: Record<string, string> = {},
): GraphAnswer {
  const requestId = randomUUID();
  return jsonAnswer(
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: graphDate(),
          'request-id': requestId,
          'client-request-id': clientRequestId ?? requestId,
        },
      },
    },
    { 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId, ...headers },
  );
}

export function notFound(id: string, clientRequestId?: string): GraphAnswer {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    clientRequestId,
  );
}

export function badRequest(code: string, message: string, clientRequestId?: string): GraphAnswer {
  return graphError(400, code, message, clientRequestId);
}

const SERVER_ERROR_CODES: Record<number, string> = {
  500: 'UnknownError',
  502: 'BadGateway',
  503: 'serviceNotAvailable',
  504: 'GatewayTimeout',
};

export function serverError(status: number, clientRequestId?: string): GraphAnswer {
  return graphError(
    status,
    SERVER_ERROR_CODES[status] ?? 'UnknownError',
    'The service is temporarily unavailable.',
    clientRequestId,
    {
      ...(status === 503 ? { 'Retry-After': '1' } : {}),
    },
  );
}

/** Retry-After as Graph sends it: seconds, possibly fractional. */
export function throttled(retryAfterSeconds: number, clientRequestId?: string): GraphAnswer {
  const seconds = Math.max(0.001, Math.round(retryAfterSeconds * 1000) / 1000);
  return graphError(
    429,
    'TooManyRequests',
    'Too many requests. Please retry after the time given in the Retry-After header.',
    clientRequestId,
    { 'Retry-After': String(seconds) },
  );
}
