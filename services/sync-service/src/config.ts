import path from 'node:path';
import { z } from 'zod';
import { passwordWeakness } from './features/auth/password-policy';
import { parseNetwork } from './infra/outbound/address-policy';

const repoRoot = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '',
);

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/** A comma-separated list, e.g. of host names; empty entries dropped. */
const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((entry) =>
        entry
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter((entry) => entry !== ''),
  );

/** Every variable the service reads, with its default. `.env.example` mirrors this list. */
const configSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Reverse proxies in front of the service whose X-Forwarded-For is believed (0: none). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: optionalString,
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  DATA_DIR: z.string().default(path.join(repoRoot, '.data', 'service')),
  SECRET_ENCRYPTION_KEY: optionalString,
  ADMIN_USERNAME: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: optionalString,
  SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(8 * 60),
  COOKIE_SECURE: booleanFlag,
  SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  OPENAPI_PATH: z.string().default(path.join(repoRoot, 'openapi.yaml')),
  WEB_DIST_DIR: z.string().default(path.join(repoRoot, 'web', 'dist')),
  AZURE_AD_TENANT_ID: optionalString,
  AZURE_AD_CLIENT_ID: optionalString,
  AZURE_AD_CLIENT_SECRET: optionalString,
  AZURE_AD_AUTHORITY_HOST: optionalString,
  AZURE_AD_GRAPH_BASE_URL: optionalString,
  /** Host names besides Microsoft's clouds that may receive the client secret and tokens (a simulator). */
  AZURE_AD_ALLOWED_HOSTS: commaList,
  /**
   * Loopback, link-local and private networks (CIDR, comma-separated) that outbound requests (webhook,
   * Entra ID, Graph) may reach after all; by default none. The demo allows 127.0.0.1/32 for its simulator.
   */
  OUTBOUND_ALLOWED_NETWORKS: commaList.refine((entries) => entries.every((entry) => parseNetwork(entry)), {
    message: 'expected networks such as 10.20.0.0/16, 127.0.0.1/32 or fd00::/8, comma-separated',
  }),
  /** Whether a webhook may be a plain http URL (https only by default). */
  WEBHOOK_ALLOW_HTTP: booleanFlag,
  SYNC_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).default(5),
  SYNC_LEASE_SECONDS: z.coerce.number().min(1).default(30),
  /** How long a run keeps trying on new connections when the database connection drops. */
  SYNC_DATABASE_WAIT_SECONDS: z.coerce.number().min(0.1).default(20),
  SYNC_CHUNK_SIZE: z.coerce.number().int().min(1).max(20000).default(2400),
  GRAPH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  GRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(30000),
  /** How often each process looks for a due scheduled sync. */
  SCHEDULER_TICK_SECONDS: z.coerce.number().min(0.1).max(300).default(5),
  /** Base of the links in notifications: the address administrators open the web app at. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3000'),
  /** Mail server for run notifications, e.g. smtp://user:pass@host:587 (smtps:// for implicit TLS). */
  SMTP_URL: optionalString,
  SMTP_FROM: z.string().min(3).default('adsync@localhost'),
  /** How long one webhook or mail delivery may take before it counts as failed. */
  NOTIFY_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(10),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses and validates the environment once, at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const { ADMIN_PASSWORD, ADMIN_USERNAME } = parsed.data;
  if (ADMIN_PASSWORD !== undefined) assertAdministratorPassword(ADMIN_PASSWORD, ADMIN_USERNAME);
  return parsed.data;
}

/** Refuses, with the reason, an ADMIN_PASSWORD that the password policy does not allow. */
export function assertAdministratorPassword(password: string, username: string) {
  const weakness = passwordWeakness(password, username);
  if (weakness)
    throw new ConfigError(
      `Invalid configuration:\n  ADMIN_PASSWORD is not accepted: ${weakness}. Choose another, or leave it unset to have one generated.`,
    );
}
