import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { Problem } from '../../infra/http/problem';
import { recordAudit } from '../audit/repository';
import { actorOf, allScopes, type Identity } from './identity';
import { decoyHash, verifyPassword } from './passwords';
import { identityOf, sessionCookie } from './plugin';
import { createSession, findAdministratorByUsername, revokeSession } from './repository';
import {
  clearSignInFailures,
  forgetOldSignInFailures,
  reserveSignInAttempt,
  signInAccount,
} from './sign-in-backoff';

function identityView(identity: Identity) {
  return {
    kind: identity.kind,
    id: identity.id,
    name: identity.name,
    scopes: identity.scopes,
    sessionExpiresAt: identity.sessionExpiresAt?.toISOString() ?? null,
  };
}

export async function authRoutes(app: FastifyInstance) {
  const { SESSION_TTL_MINUTES, COOKIE_SECURE, SIGN_IN_ATTEMPTS_PER_MINUTE } = app.config;

  serve(
    app,
    'post',
    '/api/auth/sign-in',
    async (request, reply) => {
      const { username, password } = request.body;
      const administrator = await findAdministratorByUsername(app.db, username);
      // Unknown names back off like known ones, so the back-off does not reveal which exist.
      const account = signInAccount(administrator?.id, username);
      const waitSeconds = await reserveSignInAttempt(app.db, account);
      if (waitSeconds > 0)
        throw Problem.tooManyRequests(
          `Too many failed sign-ins for this account; try again in ${waitSeconds} s.`,
          waitSeconds,
        );
      const valid = await verifyPassword(administrator?.password_hash ?? (await decoyHash), password);
      if (!administrator || !valid) {
        await forgetOldSignInFailures(app.db);
        // One answer for an unknown user and a wrong password: neither is revealed.
        throw new Problem(
          401,
          'invalid_credentials',
          'Unauthorized',
          'The username or password is incorrect.',
        );
      }
      await clearSignInFailures(app.db, account);
      const session = await createSession(app.db, administrator.id, SESSION_TTL_MINUTES);
      const identity: Identity = {
        kind: 'administrator',
        id: administrator.id,
        name: administrator.username,
        scopes: [...allScopes],
        sessionExpiresAt: session.expiresAt,
      };
      await recordAudit(app.db, actorOf(identity), 'administrator.signed_in', administrator.id);
      reply.setCookie(sessionCookie, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: COOKIE_SECURE,
        path: '/',
        maxAge: SESSION_TTL_MINUTES * 60,
      });
      return identityView(identity);
    },
    { config: { rateLimit: { max: SIGN_IN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } } },
  );

  serve(app, 'post', '/api/auth/sign-out', async (request, reply) => {
    const identity = identityOf(request);
    if (identity.sessionId) await revokeSession(app.db, identity.sessionId);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.code(204).send();
  });

  serve(app, 'get', '/api/auth/me', async (request) => identityView(identityOf(request)));
}
