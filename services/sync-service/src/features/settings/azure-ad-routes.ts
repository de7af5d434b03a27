import type { FastifyInstance } from 'fastify';
import { PUBLIC_CLOUD } from '../../infra/directory';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { type AttributeMapping, defaultMapping, mapProfile } from '../users/profile-fields';
import { type ConnectionRow, findConnection, saveConnection } from './connection-repository';

interface AzureAdSettingsInput {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  authorityHost?: string;
  graphBaseUrl?: string;
  mapping?: AttributeMapping;
}

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

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export async function azureAdSettingsRoutes(app: FastifyInstance) {
  const { secretBox } = app.directoryAccess;

  app.get('/api/settings/azure-ad', async () => settingsView(await findConnection(app.db)));

  app.put<{ Body: AzureAdSettingsInput }>('/api/settings/azure-ad', async (request) => {
    const input = request.body;
    const saved = await app.db.transaction(async (trx) => {
      const current = await findConnection(trx);
      const row = await saveConnection(trx, {
        tenant_id: input.tenantId,
        client_id: input.clientId,
        client_secret_encrypted: input.clientSecret
          ? secretBox.seal(input.clientSecret)
          : (current?.client_secret_encrypted ?? null),
        authority_host: trimSlash(
          input.authorityHost ?? current?.authority_host ?? PUBLIC_CLOUD.authorityHost,
        ),
        graph_base_url: trimSlash(input.graphBaseUrl ?? current?.graph_base_url ?? PUBLIC_CLOUD.graphBaseUrl),
        mapping: input.mapping ?? current?.mapping ?? defaultMapping,
      });
      await recordAudit(trx, actorOf(identityOf(request)), 'settings.azure_ad.updated', 'azure-ad', {
        tenantId: row.tenant_id,
        clientId: row.client_id,
        secretReplaced: Boolean(input.clientSecret),
        tenantChanged: current !== undefined && current.tenant_id !== row.tenant_id,
      });
      return row;
    });
    return settingsView(saved);
  });

  app.post('/api/settings/azure-ad/test', async () => {
    const { client, mapping } = await app.directoryAccess.open();
    const result = await client.testConnection();
    if (!result.ok) {
      return { ok: false, code: result.failure.code, message: result.failure.message, sampleUser: null };
    }
    return {
      ok: true,
      code: 'ok',
      message: result.sampleUser
        ? 'Connected: a token was issued and a user was read.'
        : 'Connected: a token was issued; the tenant has no users to read.',
      sampleUser: result.sampleUser ? mapProfile(result.sampleUser, mapping) : null,
    };
  });
}

/**
 * A connection given through the environment (AZURE_AD_*) is stored on start when none is stored yet, so
 * a deployment (or the demo with its simulated tenant) comes up connected. Settings saved later win.
 */
export async function applyInitialConnection(app: FastifyInstance): Promise<boolean> {
  const { AZURE_AD_TENANT_ID, AZURE_AD_CLIENT_ID, AZURE_AD_CLIENT_SECRET } = app.config;
  if (!AZURE_AD_TENANT_ID || !AZURE_AD_CLIENT_ID || !AZURE_AD_CLIENT_SECRET) return false;
  if (await findConnection(app.db)) return false;
  await saveConnection(app.db, {
    tenant_id: AZURE_AD_TENANT_ID,
    client_id: AZURE_AD_CLIENT_ID,
    client_secret_encrypted: app.directoryAccess.secretBox.seal(AZURE_AD_CLIENT_SECRET),
    authority_host: trimSlash(app.config.AZURE_AD_AUTHORITY_HOST ?? PUBLIC_CLOUD.authorityHost),
    graph_base_url: trimSlash(app.config.AZURE_AD_GRAPH_BASE_URL ?? PUBLIC_CLOUD.graphBaseUrl),
    mapping: defaultMapping,
  });
  return true;
}
