import type { SyncRun } from '@/api/schemas';

/** A sync run as the service describes it, with what a test cares about overridden. */
export function aRun(overrides: Partial<SyncRun> = {}): SyncRun {
  const id = overrides.id ?? '11111111-1111-4111-8111-111111111111';
  return {
    id,
    url: `/api/sync/runs/${id}`,
    status: 'running',
    trigger: 'manual',
    dryRun: false,
    confirmDeletions: false,
    selection: {
      kind: 'userIds',
      count: 5,
      search: null,
      requested: 5,
      fullPass: null,
      fromRun: null,
      pass: null,
    },
    requestedBy: { kind: 'administrator', id: null, name: 'admin' },
    progress: { processed: 0, total: 5 },
    counts: { modified: 0, deleted: 0, duplicated: 0, unchanged: 0, failed: 0 },
    blocked: null,
    error: null,
    mainFailure: null,
    confirmedRunId: null,
    createdAt: '2026-11-26T08:00:00.000Z',
    startedAt: '2026-11-26T08:00:01.000Z',
    finishedAt: null,
    ...overrides,
  };
}
