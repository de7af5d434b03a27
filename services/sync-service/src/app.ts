import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config';
import { apiKeyRoutes } from './features/api-keys/routes';
import { auditRoutes } from './features/audit/routes';
import { authPlugin } from './features/auth/plugin';
import { authRoutes } from './features/auth/routes';
import { directoryGroupRoutes } from './features/directory-import/group-routes';
import { directoryImportRoutes } from './features/directory-import/routes';
import { groupRoutes } from './features/groups/routes';
import { healthRoutes } from './features/health/routes';
import { importedUserRoutes } from './features/imported-users/routes';
import { metricsPlugin } from './features/metrics/plugin';
import { scheduleRoutes } from './features/schedule/routes';
import { schedulerPlugin } from './features/schedule/scheduler';
import { azureAdSettingsRoutes } from './features/settings/azure-ad-routes';
import { findConnection } from './features/settings/connection-repository';
import { syncPolicyRoutes } from './features/settings/sync-policy-routes';
import { syncGroupRoutes } from './features/sync/groups/routes';
import { syncEnginePlugin } from './features/sync/runs/engine';
import { syncRoutes } from './features/sync/runs/routes';
import { mappableProperties } from './features/users/profile-fields';
import { userRoutes } from './features/users/routes';
import type { Contract } from './infra/contract/contract';
import { contractPlugin, outsideContract } from './infra/contract/plugin';
import type { SecretBox } from './infra/crypto/secret-box';
import type { Database } from './infra/db/database';
import { databasePlugin } from './infra/db/plugin';
import { type DirectoryClientFactory, directoryAccessPlugin } from './infra/directory/access';
import {
  clientErrorAsProblem,
  errorHandlerPlugin,
  frameworkErrorAsProblem,
} from './infra/http/error-handler';
import { jsonBodyPlugin } from './infra/http/json-body';
import { requestIdOf } from './infra/http/request-id';
import { webAppPlugin } from './infra/http/web-app';
import { outboundPlugin } from './infra/outbound/plugin';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface AppDependencies {
  config: Config;
  database: Database;
  contract: Contract;
  secretBox: SecretBox;
  /** Replaces the Graph client (tests of failure paths that the simulator cannot produce). */
  createDirectoryClient?: DirectoryClientFactory;
  /** Check every response against openapi.yaml and collect violations (tests). */
  checkResponses?: boolean;
  logger?: FastifyServerOptions['logger'];
}

const bodyLimitBytes = 1024 * 1024;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? {
      level: deps.config.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    bodyLimit: bodyLimitBytes,
    // Fastify would copy X-Request-Id whatever it holds; requestIdOf takes it only when it is well formed.
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Believing every X-Forwarded-For entry would let a client pick its own address (and dodge the
    // sign-in rate limit): only the configured number of proxy hops is trusted.
    trustProxy:
      deps.config.TRUST_PROXY_HOPS > 0
        ? (_address: string, hop: number) => hop < deps.config.TRUST_PROXY_HOPS
        : false,
    frameworkErrors: frameworkErrorAsProblem,
    clientErrorHandler: clientErrorAsProblem,
  });
  app.decorate('config', deps.config);

  await app.register(errorHandlerPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(databasePlugin, { database: deps.database });
  await app.register(contractPlugin, { contract: deps.contract, checkResponses: deps.checkResponses });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // The component library and Swagger UI inject style elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
      },
    },
  });
  await app.register(fastifySwagger, {
    mode: 'static',
    specification: { document: deps.contract.document as never },
  });
  await app.register(outsideContract('Swagger UI: the contract, shown to anyone', fastifySwaggerUi), {
    routePrefix: '/docs',
    staticCSP: true,
  });
  await app.register(authPlugin);
  await app.register(outboundPlugin);
  await app.register(directoryAccessPlugin, {
    secretBox: deps.secretBox,
    findConnection,
    userProperties: mappableProperties,
    createClient: deps.createDirectoryClient,
  });

  await app.register(metricsPlugin);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(apiKeyRoutes);
  await app.register(auditRoutes);
  await app.register(userRoutes);
  await app.register(importedUserRoutes);
  await app.register(groupRoutes);
  await app.register(azureAdSettingsRoutes);
  await app.register(syncPolicyRoutes);
  await app.register(directoryImportRoutes);
  await app.register(directoryGroupRoutes);
  await app.register(syncEnginePlugin);
  await app.register(syncRoutes);
  await app.register(syncGroupRoutes);
  await app.register(schedulerPlugin);
  await app.register(scheduleRoutes);
  await app.register(outsideContract('the admin web app: its files and its own routes', webAppPlugin), {
    distDir: deps.config.WEB_DIST_DIR,
  });
  return app;
}
