import { eventually } from '../support/eventually';
import type { SyncTestbed } from './sync-testbed';

/** HTTP helpers for whole-directory (delta) runs, shared by the delta-*.test.ts files. */
export interface DeltaItemBody {
  userId: string;
  outcome: string;
  applied: boolean;
  action: string | null;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

export function deltaClient(bed: () => SyncTestbed) {
  const http = () => bed().t.http;
  const cookie = () => bed().t.adminCookie;
  return {
    async syncWholeDirectory(options: { fullPass?: boolean; dryRun?: boolean } = {}) {
      const { fullPass, dryRun } = options;
      const response = await http()
        .post('/api/sync')
        .set('cookie', cookie())
        .set('prefer', 'wait=30')
        .send({ selection: { wholeDirectory: fullPass === undefined ? {} : { fullPass } }, dryRun });
      if (response.status !== 200) throw new Error(`POST /api/sync: ${response.status} ${response.text}`);
      return response.body;
    },
    async items(runId: string): Promise<DeltaItemBody[]> {
      const response = await http()
        .get(`/api/sync/runs/${runId}/items`)
        .query({ limit: 500 })
        .set('cookie', cookie())
        .expect(200);
      return response.body.items;
    },
    async setPolicy(changes: Record<string, unknown>) {
      const current = await http().get('/api/settings/sync').set('cookie', cookie()).expect(200);
      await http()
        .put('/api/settings/sync')
        .set('cookie', cookie())
        .send({ ...current.body, ...changes })
        .expect(200);
    },
    async storedLink(): Promise<string | null> {
      const row = await bed()
        .t.app.db('directory_delta_links')
        .where({ tenant_id: bed().tenantId, kind: 'users' })
        .first();
      return row?.delta_link ?? null;
    },
  };
}

/**
 * Starts a whole-directory run whose second delta page is throttled once (Retry-After 1 s), and returns once
 * the first page has been served: changes made now land between the round's first and second page.
 */
export async function startRoundPausedAfterFirstPage(
  bed: SyncTestbed,
  options: { dryRun?: boolean } = {},
): Promise<string> {
  bed.sim.addFault({
    route: 'users.delta',
    kind: 'throttle',
    retryAfterSeconds: 1,
    match: 'skiptoken',
    times: 1,
  });
  const faultsBefore = bed.sim.stats().faultsInjected;
  const accepted = await bed.t.http
    .post('/api/sync')
    .set('cookie', bed.t.adminCookie)
    .send({ selection: { wholeDirectory: {} }, dryRun: options.dryRun })
    .expect(202);
  await eventually(() => (bed.sim.stats().faultsInjected > faultsBefore ? true : undefined));
  return accepted.body.id;
}
