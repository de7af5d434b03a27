import { DirectoryError } from './directory-error';
import type { DirectoryFailure } from './directory-types';
import { classifyFailure, toDirectoryFailure } from './failure-classification';
import { GraphSession } from './graph-session';
import { retryDelayMs, sleep } from './retry-delay';

export const MAX_BATCH_REQUESTS = 20;

/** Graph's default cap on values in `id in (...)`. */
export const IDS_PER_FILTER = 15;

export interface BatchGet {
  id: string;
  /** Relative to the version, e.g. `/users/{id}?$select=...`. */
  url: string;
}

/** The settled answer of one batch item: Graph's own status and body, or why there is none. */
export type BatchItemOutcome =
  | { kind: 'answered'; status: number; body: unknown }
  | { kind: 'failed'; failure: DirectoryFailure };

interface BatchItemResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Sends GET requests through `$batch` and settles each one. Graph answers items in any order and
 * throttles them one by one, and the SDK retries none of them; so items answered 429/503/504 are
 * sent again, alone, after the longest Retry-After among them, until the retry budget runs out.
 * If the batch request itself fails (after the session's retries), every unsettled item fails with it.
 */
export async function exchangeBatch(
  session: GraphSession,
  requests: BatchGet[],
  signal?: AbortSignal,
): Promise<Map<string, BatchItemOutcome>> {
  const outcomes = new Map<string, BatchItemOutcome>();
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    let responses: BatchItemResponse[];
    try {
      responses = await postBatch(session, pending, signal);
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      for (const request of pending) outcomes.set(request.id, { kind: 'failed', failure: error.failure });
      break;
    }
    const byId = new Map(responses.map((response) => [response.id, response]));
    const retry: BatchGet[] = [];
    let delayMs = 0;
    for (const request of pending) {
      const response = byId.get(request.id);
      if (!response) {
        const failure = classifyFailure({ kind: 'unexpected', detail: 'a batch item without an answer' });
        outcomes.set(request.id, { kind: 'failed', failure: toDirectoryFailure(failure) });
        continue;
      }
      const failure =
        response.status >= 400
          ? classifyFailure({ kind: 'graph', status: response.status, graphCode: graphCodeOf(response.body) })
          : undefined;
      if (failure?.code === 'throttled') session.counters.throttled += 1;
      if (failure?.retryable && attempt < session.maxRetries) {
        retry.push(request);
        delayMs = Math.max(delayMs, retryDelayMs(attempt, headerOf(response.headers, 'retry-after')));
        continue;
      }
      outcomes.set(
        request.id,
        failure?.retryable
          ? { kind: 'failed', failure: toDirectoryFailure(failure) }
          : { kind: 'answered', status: response.status, body: response.body },
      );
    }
    if (retry.length === 0) break;
    session.counters.retries += retry.length;
    session.logger.debug(
      { items: retry.length, delayMs, attempt },
      'Retrying throttled or unavailable batch items',
    );
    try {
      await sleep(delayMs, signal);
    } catch {
      const cancelled = toDirectoryFailure(classifyFailure({ kind: 'cancelled' }));
      for (const request of retry) outcomes.set(request.id, { kind: 'failed', failure: cancelled });
      break;
    }
    pending = retry;
  }
  return outcomes;
}

async function postBatch(
  session: GraphSession,
  requests: BatchGet[],
  signal?: AbortSignal,
): Promise<BatchItemResponse[]> {
  const body = await session.send(
    '$batch',
    (attemptSignal) =>
      session.client
        .api('/$batch')
        .middlewareOptions(GraphSession.noSdkRetries())
        .option('signal', attemptSignal)
        .post({ requests: requests.map(({ id, url }) => ({ id, method: 'GET', url })) }),
    signal,
  );
  const responses = (body as { responses?: unknown } | null)?.responses;
  if (!Array.isArray(responses)) {
    throw new DirectoryError(
      toDirectoryFailure(
        classifyFailure({ kind: 'unexpected', detail: 'a $batch answer without responses' }),
      ),
    );
  }
  return responses.filter(
    (response): response is BatchItemResponse =>
      typeof response?.id === 'string' && typeof response?.status === 'number',
  );
}

/** Header names inside batch items are not normalised by anyone: match case-insensitively. */
function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : String(headers[key]);
}

export function graphCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The `value` list of a Graph answer; empty when there is none. */
export function valuesOf(body: unknown): unknown[] {
  const value = (body as { value?: unknown } | null)?.value;
  return Array.isArray(value) ? value : [];
}
