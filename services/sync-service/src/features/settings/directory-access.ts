import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { SecretBox } from '../../infra/crypto/secret-box';
import type { Queryable } from '../../infra/db/queryable';
import {
  createGraphDirectoryClient,
  type DirectoryClient,
  type DirectoryConnection,
  type DirectoryStats,
} from '../../infra/directory';
import { Problem } from '../../infra/http/problem';
import { type AttributeMapping, mappableProperties } from '../users/profile-fields';
import { findConnection } from './connection-repository';

/** What a feature needs to talk to the configured tenant. */
export interface ActiveDirectory {
  client: DirectoryClient;
  tenantId: string;
  mapping: AttributeMapping;
}

export interface DirectoryAccess {
  /** The configured tenant's client; a 409 problem when no connection (or no secret) is configured. */
  open(db?: Queryable): Promise<ActiveDirectory>;
  secretBox: SecretBox;
  /** Graph traffic of this process since it started, across connection changes. */
  currentStats(): DirectoryStats;
}

declare module 'fastify' {
  interface FastifyInstance {
    directoryAccess: DirectoryAccess;
  }
}

export type DirectoryClientFactory = (connection: DirectoryConnection) => DirectoryClient;

/**
 * One Graph client per stored connection, rebuilt when the settings change, so tokens are reused across
 * requests and runs instead of fetched for each.
 */
export const directoryAccessPlugin = fp(
  async (app: FastifyInstance, options: { secretBox: SecretBox; createClient?: DirectoryClientFactory }) => {
    const createClient =
      options.createClient ??
      ((connection: DirectoryConnection) =>
        createGraphDirectoryClient(connection, {
          concurrency: app.config.GRAPH_CONCURRENCY,
          timeoutMs: app.config.GRAPH_TIMEOUT_MS,
          logger: app.log,
          userProperties: mappableProperties,
        }));
    let cached: { version: string; active: ActiveDirectory } | undefined;
    const retired: DirectoryStats = { requests: 0, throttled: 0, retries: 0 };

    app.decorate('directoryAccess', {
      secretBox: options.secretBox,
      currentStats() {
        const current = cached?.active.client.stats() ?? { requests: 0, throttled: 0, retries: 0 };
        return {
          requests: retired.requests + current.requests,
          throttled: retired.throttled + current.throttled,
          retries: retired.retries + current.retries,
        };
      },
      async open(db: Queryable = app.db) {
        const row = await findConnection(db);
        if (!row?.client_secret_encrypted) {
          throw Problem.conflict(
            'azure_ad_not_configured',
            'Configure the Azure AD connection (tenant, client id and secret) first.',
          );
        }
        const version = `${row.updated_at.toISOString()}|${row.client_secret_encrypted}`;
        if (cached?.version !== version) {
          if (cached) {
            const stats = cached.active.client.stats();
            for (const kind of ['requests', 'throttled', 'retries'] as const) retired[kind] += stats[kind];
          }
          const client = createClient({
            tenantId: row.tenant_id,
            clientId: row.client_id,
            clientSecret: options.secretBox.open(row.client_secret_encrypted),
            authorityHost: row.authority_host,
            graphBaseUrl: row.graph_base_url,
          });
          cached = { version, active: { client, tenantId: row.tenant_id, mapping: row.mapping } };
        }
        return cached.active;
      },
    });
  },
  { name: 'directory-access', dependencies: ['database'] },
);
