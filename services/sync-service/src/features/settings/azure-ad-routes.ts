import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../../config';
import { serve } from '../../infra/contract/serve';
import { PUBLIC_CLOUD } from '../../infra/directory';
import { Problem } from '../../infra/http/problem';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { defaultMapping, mapProfile } from '../users/profile-fields';
import {
  assertSecretTravelsWith,
  type ConnectionValues,
  changedFields,
  endpointsOf,
} from './connection-changes';
import { type ConnectionRow, findConnection, saveConnection } from './connection-repository';

/** The connection as the API shows it: the secret only as "set" or "not set". */
function settingsView(row: ConnectionRow | undefined) {
  return {
    configured: Boolean(row?.client_secret_encrypted),
    tenantId: row?.tenant_id ?? null,
    clientId: row?.client_id ?? null,
    clientSecretSet: Boolean(row?.client_secret_encrypted),
    authorityHost: row?.authority_host ?? PUBLIC_CLOUD.authorityHost,
    graphBaseUrl: row?.graph_base_url ?? PUBLIC_CLOUD.graphBaseUrl,
    mapping: row?.mapping ?? defaultMapping,
    updatedAt: row?.updated_at.toISOString() ?? null,
  };
}

export async function azureAdSettingsRoutes(app: FastifyInstance) {
  const { secretBox } = app.directoryAccess;

  serve(app, 'get', '/api/settings/azure-ad', async () => settingsView(await findConnection(app.db)));

  serve(app, 'put', '/api/settings/azure-ad', async (request) => {
    const input = request.body;
    const saved = await app.db.transaction(async (trx) => {
      const current = await findConnection(trx);
      const endpoints = endpointsOf(input, current);
      assertSecretTravelsWith(current, endpoints, input.clientSecret);
      app.directoryAccess.assertAllowedEndpoints(endpoints);
      const row = await saveConnection(trx, {
        tenant_id: input.tenantId,
        client_id: input.clientId,
        client_secret_encrypted: input.clientSecret
          ? secretBox.seal(input.clientSecret)
          : (current?.client_secret_encrypted ?? null),
        authority_host: endpoints.authorityHost,
        graph_base_url: endpoints.graphBaseUrl,
        mapping: input.mapping ?? current?.mapping ?? defaultMapping,
      });
      await recordAudit(trx, actorOf(identityOf(request)), 'settings.azure_ad.updated', 'azure-ad', {
        tenantId: row.tenant_id,
        clientId: row.client_id,
        authorityHost: row.authority_host,
        graphBaseUrl: row.graph_base_url,
        changed: changedFields(current, row, Boolean(input.clientSecret)),
        secretReplaced: Boolean(input.clientSecret),
        tenantChanged: current !== undefined && current.tenant_id !== row.tenant_id,
      });
      return row;
    });
    return settingsView(saved);
  });

  /**
   * Without a body, the stored connection; with one, the values on screen over the stored ones, used for
   * this test only and never stored.
   */
  serve(app, 'post', '/api/settings/azure-ad/test', async (request) => {
    const onScreen = request.body;
    const { client, mapping } =
      onScreen && Object.keys(onScreen).length > 0
        ? await connectionOnScreen(onScreen)
        : await app.directoryAccess.open();
    const result = await client.testConnection();
    if (!result.ok) {
      return { ok: false, code: result.failure.code, message: result.failure.message, sampleUser: null };
    }
    const sampleUser = result.sampleUser ? mapProfile(result.sampleUser, mapping) : null;
    // Users can be imported and synchronized; groups cannot until the permission is granted.
    if (result.groupAccess) {
      return {
        ok: false,
        code: 'missing_group_permission',
        message: `Users can be read, but groups cannot. ${result.groupAccess.message}`,
        sampleUser,
      };
    }
    return {
      ok: true,
      code: 'ok',
      message: result.sampleUser
        ? 'Connected: a token was issued, a user and the groups were read.'
        : 'Connected: a token was issued; the tenant has no users to read.',
      sampleUser,
    };
  });

  async function connectionOnScreen(values: ConnectionValues) {
    const stored = await findConnection(app.db);
    const endpoints = endpointsOf(values, stored);
    assertSecretTravelsWith(stored, endpoints, values.clientSecret);
    app.directoryAccess.assertAllowedEndpoints(endpoints);
    const tenantId = values.tenantId ?? stored?.tenant_id;
    const clientId = values.clientId ?? stored?.client_id;
    const sealedSecret = stored?.client_secret_encrypted;
    const clientSecret = values.clientSecret ?? (sealedSecret ? secretBox.open(sealedSecret) : undefined);
    if (!tenantId || !clientId || !clientSecret) {
      throw Problem.conflict(
        'azure_ad_not_configured',
        'Give the tenant, the client id and the client secret, or store them first.',
      );
    }
    const client = app.directoryAccess.connect({ tenantId, clientId, clientSecret, ...endpoints });
    return { client, mapping: stored?.mapping ?? defaultMapping };
  }
}

/**
 * A connection given through the environment (AZURE_AD_*) is stored on start when none is stored yet, so
 * a deployment (or the demo with its simulated tenant) comes up connected. Settings saved later win.
 */
export async function applyInitialConnection(app: FastifyInstance): Promise<boolean> {
  const { AZURE_AD_TENANT_ID, AZURE_AD_CLIENT_ID, AZURE_AD_CLIENT_SECRET } = app.config;
  if (!AZURE_AD_TENANT_ID || !AZURE_AD_CLIENT_ID || !AZURE_AD_CLIENT_SECRET) return false;
  if (await findConnection(app.db)) return false;
  const endpoints = endpointsOf(
    { authorityHost: app.config.AZURE_AD_AUTHORITY_HOST, graphBaseUrl: app.config.AZURE_AD_GRAPH_BASE_URL },
    undefined,
  );
  try {
    app.directoryAccess.assertAllowedEndpoints(endpoints);
  } catch (refusal) {
    throw new ConfigError(
      `Invalid configuration:\n  AZURE_AD_AUTHORITY_HOST, AZURE_AD_GRAPH_BASE_URL: ${(refusal as Error).message}`,
    );
  }
  await saveConnection(app.db, {
    tenant_id: AZURE_AD_TENANT_ID,
    client_id: AZURE_AD_CLIENT_ID,
    client_secret_encrypted: app.directoryAccess.secretBox.seal(AZURE_AD_CLIENT_SECRET),
    authority_host: endpoints.authorityHost,
    graph_base_url: endpoints.graphBaseUrl,
    mapping: defaultMapping,
  });
  return true;
}
