import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../control/sim-context';
import type { SimTenant } from '../control/sim-tenant';
import { serveBatch } from '../graph/batch';
import { graphError } from '../graph/graph-answer';
import { resolveRoute, serveGraphCall } from '../graph/graph-pipeline';
import { type HungRequests, lowerCaseHeaders, originOf, sendOutcome, sleep } from './transport';

/** The Graph v1.0 surface: bearer-authenticated, answered by the shared Graph pipeline. */
export function registerGraphRoutes(app: FastifyInstance, context: SimContext, hung: HungRequests): void {
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = new URL(request.url, 'https://sim.invalid');
    const path = url.pathname.replace(/^\/v1\.0\/?/, '');
    const headers = lowerCaseHeaders(request);
    const clientRequestId = headers['client-request-id'];
    const { route } = resolveRoute(request.method, path);
    await sleep(context.latency.for(route));

    const tenant = authenticate(context, headers.authorization);
    if (typeof tenant === 'string') {
      context.stats.request(route, false);
      const answer = graphError(401, 'InvalidAuthenticationToken', tenant, clientRequestId, {
        'WWW-Authenticate': 'Bearer realm="", error="invalid_token"',
      });
      return sendOutcome(request, reply, { kind: 'answer', answer }, hung);
    }

    if (route === 'batch') {
      context.stats.request('batch', false);
      const fault = context.faults.pick('batch', path, tenant.tenantId);
      if (fault) context.stats.fault();
      if (fault?.kind === 'hang' || fault?.kind === 'reset')
        return sendOutcome(request, reply, { kind: fault.kind }, hung);
      if (fault) {
        const answer = graphError(
          fault.kind === 'throttle' ? 429 : fault.status,
          fault.kind === 'throttle' ? 'TooManyRequests' : 'serviceNotAvailable',
          'Injected fault.',
          clientRequestId,
          fault.kind === 'throttle' ? { 'Retry-After': String(fault.retryAfterSeconds) } : {},
        );
        return sendOutcome(request, reply, { kind: 'answer', answer }, hung);
      }
      return sendOutcome(
        request,
        reply,
        serveBatch(context, tenant, request.body, originOf(request), clientRequestId),
        hung,
      );
    }

    const outcome = serveGraphCall(
      context,
      {
        tenant,
        method: request.method,
        path,
        params: url.searchParams,
        headers,
        origin: originOf(request),
        clientRequestId,
      },
      false,
    );
    return sendOutcome(request, reply, outcome, hung);
  };

  app.get('/v1.0/*', handle);
  app.post('/v1.0/*', handle);
}

/** The tenant behind a bearer token, or the reason Graph gives for refusing it. */
function authenticate(context: SimContext, authorization: string | undefined): SimTenant | string {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!match) return 'Access token is empty.';
  const resolved = context.tokens.resolve(match[1].trim());
  if (resolved === undefined) return 'Invalid access token.';
  if (resolved === 'expired') return 'Lifetime validation failed, the token is expired.';
  const tenant = context.tenants.get(resolved.tenantId);
  return tenant ?? 'Invalid access token.';
}
