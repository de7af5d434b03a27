import type { SimContext } from '../control/sim-context';
import type { SimTenant } from '../control/sim-tenant';
import { badRequest, jsonAnswer } from './graph-answer';
import type { GraphCall } from './graph-call';
import { type CallOutcome, serveGraphCall } from './graph-pipeline';

const MAX_BATCH_REQUESTS = 20;

interface BatchItemRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
}

/**
 * `POST /$batch`: each item is served like a top-level request (own faults, own throttling, own
 * status), and the answers come back shuffled, because Graph does not keep request order.
 * A hang or reset injected into any item stalls or drops the whole batch: it is one HTTP exchange.
 */
export function serveBatch(
  context: SimContext,
  tenant: SimTenant,
  body: unknown,
  origin: string,
  clientRequestId?: string,
): CallOutcome {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return {
      kind: 'answer',
      answer: badRequest('BadRequest', 'Invalid batch payload format.', clientRequestId),
    };
  }
  if (requests.length > MAX_BATCH_REQUESTS) {
    return {
      kind: 'answer',
      answer: badRequest(
        'BadRequest',
        `Number of requests in a batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`,
        clientRequestId,
      ),
    };
  }
  const items: BatchItemRequest[] = [];
  const seen = new Set<string>();
  for (const request of requests as Partial<BatchItemRequest>[]) {
    if (
      typeof request?.id !== 'string' ||
      typeof request.method !== 'string' ||
      typeof request.url !== 'string'
    ) {
      return {
        kind: 'answer',
        answer: badRequest('BadRequest', 'Each batch request needs id, method and url.', clientRequestId),
      };
    }
    if (seen.has(request.id)) {
      return {
        kind: 'answer',
        answer: badRequest('BadRequest', `Batch request id '${request.id}' is not unique.`, clientRequestId),
      };
    }
    seen.add(request.id);
    items.push(request as BatchItemRequest);
  }

  const responses: { id: string; status: number; headers: Record<string, string>; body: unknown }[] = [];
  for (const item of items) {
    const url = new URL(`/${item.url.replace(/^\/+/, '')}`, 'https://batch.invalid');
    const call: GraphCall = {
      tenant,
      method: item.method.toUpperCase(),
      path: url.pathname.slice(1),
      params: url.searchParams,
      headers: Object.fromEntries(
        Object.entries(item.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      ),
      origin,
      clientRequestId,
    };
    const outcome = serveGraphCall(context, call, true);
    if (outcome.kind !== 'answer') return outcome;
    responses.push({ id: item.id, ...outcome.answer });
  }
  if (context.shuffleBatch) shuffle(responses);
  return { kind: 'answer', answer: jsonAnswer(200, { responses }) };
}

function shuffle<T>(values: T[]): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}
