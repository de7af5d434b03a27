import { type GraphAnswer, graphError, jsonAnswer } from './graph-answer';
import { encodeToken, type GraphCall, queryString } from './graph-call';

const DEFAULT_PAGE_SIZE = 100;

/** `Prefer: odata.maxpagesize=N`, the only way to size delta pages ($top is refused), capped by the tenant. */
export function deltaPageSize(call: GraphCall): number {
  const match = /odata\.maxpagesize=(\d+)/i.exec(call.headers.prefer ?? '');
  const size = match ? Number(match[1]) : DEFAULT_PAGE_SIZE;
  return Math.min(Math.min(999, Math.max(1, size)), call.tenant.maxDeltaPageSize);
}

/** A token issued at `issuedAt` answers 410 once the tenant's tokens expired or it outlived their lifetime. */
export function expiredToken(call: GraphCall, issuedAt: number, entitySet: string): GraphAnswer | undefined {
  const expiresAt = issuedAt + call.tenant.deltaTokenLifetimeSeconds * 1000;
  if (issuedAt > call.tenant.deltaTokensValidAfter && expiresAt > Date.now()) return undefined;
  return graphError(
    410,
    'syncStateNotFound',
    'The sync state generation is not found or has expired. Restart the synchronization without a token.',
    call.clientRequestId,
    { Location: `${call.origin}/v1.0/${entitySet}/delta` },
  );
}

/** One delta page: a nextLink carrying `next` while the round goes on, else the round's deltaLink. */
export function deltaPage(
  call: GraphCall,
  entitySet: string,
  select: ReadonlyArray<string>,
  value: unknown[],
  next: { final: boolean; state: object },
): GraphAnswer {
  const link = next.final
    ? {
        '@odata.deltaLink': `${call.origin}/v1.0/${entitySet}/delta?${queryString({ $deltatoken: encodeToken(next.state) })}`,
      }
    : {
        '@odata.nextLink': `${call.origin}/v1.0/${entitySet}/delta?${queryString({ $skiptoken: encodeToken(next.state) })}`,
      };
  return jsonAnswer(200, {
    '@odata.context': `${call.origin}/v1.0/$metadata#${entitySet}(${select.join(',')})`,
    value,
    ...link,
  });
}
