import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { SecretBox } from '../crypto/secret-box';
import type { Queryable } from '../db/queryable';
import { Problem } from '../http/problem';
import { type CloudEndpoints, type EndpointField, endpointRefusal } from './cloud-hosts';
import type { DirectoryClient, DirectoryConnection, DirectoryStats } from './directory-types';
import { createGraphDirectoryClient } from './index';

type FieldRefusal = { field: EndpointField; refusal: string };

const fieldsOf = (endpoints: CloudEndpoints) => Object.entries(endpoints) as Array<[EndpointField, string]>;

/** A stored connection to a tenant, as the settings keep it (the secret sealed by the SecretBox). */
export interface StoredConnection<Mapping> {
  tenant_id: string;
  client_id: string;
  client_secret_encrypted: string | null;
  authority_host: string;
  graph_base_url: string;
  mapping: Mapping;
  updated_at: Date;
}

/** What a feature needs to talk to the configured tenant. */
export interface ActiveDirectory<Mapping> {
  client: DirectoryClient;
  tenantId: string;
  mapping: Mapping;
}

export interface DirectoryAccess<Mapping> {
  /** The configured tenant's client; a 409 problem when no connection (or no secret) is configured. */
  open(db?: Queryable): Promise<ActiveDirectory<Mapping>>;
  /** A client for a connection that is not stored (the connection test of the values on screen). */
  connect(connection: DirectoryConnection): DirectoryClient;
  /**
   * A 400 problem unless both endpoints may receive the connection's credentials: `host_not_allowed` for a
   * host that is not Microsoft's nor allowed, `destination_not_allowed` for a refused address.
   */
  assertAllowedEndpoints(endpoints: CloudEndpoints): void;
  secretBox: SecretBox;
  /** Graph traffic of this process since it started, across connection changes. */
  currentStats(): DirectoryStats;
}

export type DirectoryClientFactory = (connection: DirectoryConnection) => DirectoryClient;

export interface DirectoryAccessOptions<Mapping> {
  secretBox: SecretBox;
  /** The stored connection (the settings' repository). */
  findConnection(db: Queryable): Promise<StoredConnection<Mapping> | undefined>;
  /** Graph properties read of every user besides id, userPrincipalName, displayName and accountEnabled. */
  userProperties: readonly string[];
  createClient?: DirectoryClientFactory;
}

/**
 * One Graph client per stored connection, rebuilt when the settings change, so tokens are reused across
 * requests and runs instead of fetched for each. Decorates the app with `directoryAccess`.
 */
export const directoryAccessPlugin = fp(
  async (app: FastifyInstance, options: DirectoryAccessOptions<unknown>) => {
    const createClient =
      options.createClient ??
      ((connection: DirectoryConnection) =>
        createGraphDirectoryClient(connection, {
          concurrency: app.config.GRAPH_CONCURRENCY,
          timeoutMs: app.config.GRAPH_TIMEOUT_MS,
          logger: app.log,
          userProperties: options.userProperties,
          transport: app.outbound,
        }));
    let cached: { version: string; active: ActiveDirectory<unknown> } | undefined;
    const retired: DirectoryStats = { requests: 0, throttled: 0, retries: 0 };

    const hostRefusals = (endpoints: CloudEndpoints) =>
      fieldsOf(endpoints)
        .map(([field, url]) => ({
          field,
          refusal: endpointRefusal(field, url, app.config.AZURE_AD_ALLOWED_HOSTS),
        }))
        .filter((found): found is FieldRefusal => found.refusal !== undefined);
    // An allowed host written as an address (the simulator's 127.0.0.1) must also be an allowed network.
    // A value that is no URL at all is the host check's to refuse.
    const addressRefusals = (endpoints: CloudEndpoints) =>
      fieldsOf(endpoints)
        .filter(([, url]) => URL.canParse(url))
        .map(([field, url]) => ({ field, refusal: app.outbound.policy.urlRefusal(new URL(url)) }))
        .filter((found): found is FieldRefusal => found.refusal !== undefined);
    const refusalOf = (endpoints: CloudEndpoints) =>
      [...hostRefusals(endpoints), ...addressRefusals(endpoints)]
        .map(({ field, refusal }) => `${field}: ${refusal}`)
        .at(0);

    const access: DirectoryAccess<unknown> = {
      secretBox: options.secretBox,
      connect: createClient,
      assertAllowedEndpoints(endpoints) {
        for (const [code, refusals] of [
          ['host_not_allowed', hostRefusals(endpoints)],
          ['destination_not_allowed', addressRefusals(endpoints)],
        ] as const) {
          if (refusals.length === 0) continue;
          throw Problem.badRequest(code, refusals.map(({ refusal }) => refusal).join(' '), {
            errors: refusals.map(({ field, refusal }) => ({ path: `body.${field}`, message: refusal })),
          });
        }
      },
      currentStats() {
        const current = cached?.active.client.stats() ?? { requests: 0, throttled: 0, retries: 0 };
        return {
          requests: retired.requests + current.requests,
          throttled: retired.throttled + current.throttled,
          retries: retired.retries + current.retries,
        };
      },
      async open(db: Queryable = app.db) {
        const row = await options.findConnection(db);
        if (!row?.client_secret_encrypted) {
          throw Problem.conflict(
            'azure_ad_not_configured',
            'Configure the Azure AD connection (tenant, client id and secret) first.',
          );
        }
        // A connection stored before the hosts were limited, or with a host an operator no longer allows.
        const stored = { authorityHost: row.authority_host, graphBaseUrl: row.graph_base_url };
        const refusal = refusalOf(stored);
        if (refusal)
          throw Problem.conflict('host_not_allowed', `The stored connection is refused: ${refusal}`);
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
    };
    // The mapping is passed through as `findConnection` read it: the app's declaration types it.
    app.decorate('directoryAccess', access as FastifyInstance['directoryAccess']);
  },
  { name: 'directory-access', dependencies: ['database', 'outbound'] },
);
