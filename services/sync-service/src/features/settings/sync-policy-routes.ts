import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { recordAudit } from '../audit/repository';
import { actorOf } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { loadSyncPolicy, type SyncPolicy, saveSyncPolicy } from '../sync/policy';

/** The sync policy (deletion threshold, upstream deletions, what a run keeps), as a setting. */
export async function syncPolicyRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/settings/sync', async () => loadSyncPolicy(app.db));

  serve(app, 'put', '/api/settings/sync', async (request) => {
    return app.db.transaction(async (trx) => {
      const before = await loadSyncPolicy(trx);
      // A client older than accountState or groupMembers must not change what the installation keeps.
      const body: Partial<SyncPolicy> = request.body;
      const { accountState, groupMembers } = before;
      const saved = await saveSyncPolicy(trx, { accountState, groupMembers, ...body });
      await recordAudit(trx, actorOf(identityOf(request)), 'settings.sync_policy.updated', 'sync-policy', {
        before,
        after: saved,
      });
      return saved;
    });
  });
}
