import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { readAgainOnce } from '../../infra/db/connection-loss';
import { Problem } from '../../infra/http/problem';
import { useApiKey } from '../api-keys/repository';
import { allScopes, type Identity } from './identity';
import { findLiveSession } from './repository';

export const sessionCookie = 'adsync_session';

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
}

/** The caller's identity, for routes the contract marks as protected. */
export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw Problem.unauthorized();
  return request.identity;
}

async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<Identity | null> {
  const authorization = request.headers.authorization;
  if (authorization) {
    const [scheme, key] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !key) return null;
    const apiKey = await useApiKey(app.db, key);
    return apiKey ? { kind: 'apiKey', id: apiKey.id, name: apiKey.name, scopes: apiKey.scopes } : null;
  }
  const token = request.cookies[sessionCookie];
  if (!token) return null;
  const session = await findLiveSession(app.db, token);
  if (!session) return null;
  return {
    kind: 'administrator',
    id: session.administrator_id,
    name: session.username,
    scopes: [...allScopes],
    sessionId: session.session_id,
    sessionExpiresAt: session.expires_at,
  };
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A state change carried by the session cookie must come from this site: SameSite=Strict already keeps
 * the cookie off cross-site requests, and the Origin check covers older browsers and sibling subdomains.
 */
function isCrossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin || !unsafeMethods.has(request.method)) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('identity', null);
    app.addHook('onRequest', async (request) => {
      const operation = request.routeOptions.config.operation;
      if (!operation || operation.isPublic) return;
      // Finding the caller is a read: a connection that dropped under it is tried once more on a new one.
      const identity = await readAgainOnce(() => authenticate(app, request));
      if (!identity) throw Problem.unauthorized();
      if (identity.kind === 'administrator' && isCrossSite(request)) {
        throw Problem.forbidden('Cross-site requests may not change anything.');
      }
      if (identity.kind === 'apiKey') {
        if (operation.apiKeyScopes === null)
          throw Problem.forbidden('Only a signed-in administrator may do this.');
        const missing = operation.apiKeyScopes.filter((scope) => !identity.scopes.includes(scope as never));
        if (missing.length > 0)
          throw Problem.forbidden(`This API key lacks the scope ${missing.join(', ')}.`);
      }
      request.identity = identity;
    });
  },
  { name: 'auth', dependencies: ['database', 'contract'] },
);
