import type { FastifyInstance } from 'fastify';
import { findTenant, type SimContext } from '../control/sim-context';
import { type HungRequests, originOf, sendOutcome, sleep } from '../http/transport';
import { entraError, openIdConfiguration, tenantNotFound } from './entra-answers';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * The two Entra ID endpoints @azure/identity calls for client credentials (with instance discovery
 * disabled): the tenant's OpenID configuration, then the v2.0 token endpoint.
 */
export function registerEntraRoutes(app: FastifyInstance, context: SimContext, hung: HungRequests): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.get<{ Params: { tenant: string } }>(
    '/:tenant/v2.0/.well-known/openid-configuration',
    async (request, reply) => {
      const origin = originOf(request);
      context.stats.request('openid', false);
      await sleep(context.latency.for('openid'));
      const fault = context.faults.pick('openid', request.url, undefined);
      if (fault) {
        context.stats.fault();
        if (fault.kind === 'hang' || fault.kind === 'reset')
          return sendOutcome(request, reply, { kind: fault.kind }, hung);
        return reply
          .code(fault.kind === 'throttle' ? 429 : fault.status)
          .send(entraError('temporarily_unavailable', 50000, 'Service unavailable.', origin));
      }
      const tenant = findTenant(context, request.params.tenant);
      if (!tenant)
        return reply.code(400).send(tenantNotFound(request.params.tenant, origin, 'invalid_tenant'));
      return reply.send(openIdConfiguration(origin, tenant.tenantId));
    },
  );

  app.post<{ Params: { tenant: string }; Body: Record<string, string> | undefined }>(
    '/:tenant/oauth2/v2.0/token',
    async (request, reply) => {
      const origin = originOf(request);
      context.stats.request('token', false);
      await sleep(context.latency.for('token'));
      const tenant = findTenant(context, request.params.tenant);
      const fault = context.faults.pick('token', request.url, tenant?.tenantId);
      if (fault) {
        context.stats.fault();
        if (fault.kind === 'hang' || fault.kind === 'reset')
          return sendOutcome(request, reply, { kind: fault.kind }, hung);
        if (fault.kind === 'throttle') reply.header('Retry-After', String(fault.retryAfterSeconds));
        return reply
          .code(fault.kind === 'throttle' ? 429 : fault.status)
          .send(
            entraError('temporarily_unavailable', 50000, 'The service is temporarily unavailable.', origin),
          );
      }
      const form = request.body ?? {};
      if (!tenant) return reply.code(400).send(tenantNotFound(request.params.tenant, origin));
      if (form.grant_type !== 'client_credentials') {
        return reply
          .code(400)
          .send(
            entraError(
              'unsupported_grant_type',
              70003,
              'The app requested an unsupported grant type.',
              origin,
            ),
          );
      }
      if ((form.client_id ?? '').toLowerCase() !== tenant.clientId) {
        return reply
          .code(400)
          .send(
            entraError(
              'unauthorized_client',
              700016,
              `Application with identifier '${form.client_id ?? ''}' was not found in the directory '${tenant.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
              origin,
            ),
          );
      }
      if (!form.client_secret) {
        return reply
          .code(401)
          .send(
            entraError(
              'invalid_client',
              7000216,
              "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
              origin,
            ),
          );
      }
      if (form.client_secret !== tenant.clientSecret) {
        return reply
          .code(401)
          .send(
            entraError(
              'invalid_client',
              7000215,
              `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${tenant.clientId}'.`,
              origin,
            ),
          );
      }
      const scopes = (form.scope ?? '').split(' ').filter(Boolean);
      if (!scopes.includes(GRAPH_DEFAULT_SCOPE)) {
        return reply
          .code(400)
          .send(
            entraError(
              'invalid_scope',
              1002012,
              `The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
              origin,
            ),
          );
      }
      const issued = context.tokens.issue(tenant);
      context.stats.tokenIssued();
      return reply.send({
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        ext_expires_in: issued.expiresIn,
        access_token: issued.accessToken,
      });
    },
  );
}
