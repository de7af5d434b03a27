import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { SecretBox } from '../../infra/crypto/secret-box';
import type { Queryable } from '../../infra/db/queryable';
import {
  createGraphDirectoryClient,
  type DirectoryClient,
  type DirectoryConnection,
} from '../../infra/directory';
import { Problem } from '../../infra/http/problem';
import type { AttributeMapping } from './attribute-mapping';
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
        }));
    let cached: { version: string; active: ActiveDirectory } | undefined;

    app.decorate('directoryAccess', {
      secretBox: options.secretBox,
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
