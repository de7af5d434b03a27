import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { type AppDependencies, buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { bootstrapAdministrator } from '../../src/features/auth/bootstrap';
import { type Contract, loadContract } from '../../src/infra/contract/contract';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { openTestDatabase } from './databases';
import { localPeersAllowed } from './local-peers';

export const adminCredentials = { username: 'admin', password: 'correct-horse-battery-staple' };

let contract: Contract | undefined;

export interface TestApp {
  app: FastifyInstance;
  http: ReturnType<typeof request>;
  /** A signed-in administrator's cookie header. */
  adminCookie: string;
  apiKey(scopes: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app on a real database, built but not started: a test may still register routes on it. Each
 * gets a database of its own, which closing the app releases.
 */
export async function buildTestApp(
  env: Record<string, string> = {},
  options: Pick<AppDependencies, 'createDirectoryClient' | 'logger'> = {},
): Promise<FastifyInstance> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    WEB_DIST_DIR: '/nonexistent',
    ...localPeersAllowed,
    ...env,
  });
  contract ??= loadContract(config.OPENAPI_PATH);
  const database = await openTestDatabase();
  await bootstrapAdministrator(database.knex, adminCredentials.username, adminCredentials.password);
  return buildApp({
    config,
    database,
    contract,
    secretBox: new SecretBox(randomBytes(32)),
    checkResponses: true,
    ...options,
  });
}

/** The real app on a real database, started, checking every response against openapi.yaml. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: Pick<AppDependencies, 'createDirectoryClient' | 'logger'> = {},
): Promise<TestApp> {
  const app = await buildTestApp(env, options);
  await app.ready();
  const http = request(app.server);
  const signIn = await http.post('/api/auth/sign-in').send(adminCredentials).expect(200);
  const adminCookie = String(signIn.headers['set-cookie']).split(';')[0];
  return {
    app,
    http,
    adminCookie,
    async apiKey(scopes) {
      const created = await http
        .post('/api/api-keys')
        .set('cookie', adminCookie)
        .send({ name: 'test', scopes });
      return created.body.key as string;
    },
    async close() {
      const violations = [...app.contractViolations];
      await app.close();
      if (violations.length > 0) throw new Error(`Responses broke the contract:\n${violations.join('\n')}`);
    },
  };
}
