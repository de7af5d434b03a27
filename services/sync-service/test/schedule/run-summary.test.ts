import { composeRunSummary } from '../../src/features/notifications/email';
import { underPublicUrl } from '../../src/features/notifications/public-link';
import type { SyncRunView } from '../../src/features/sync/runs/run-view';

const runId = '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5';

function aScheduledRun(overrides: Partial<SyncRunView>): SyncRunView {
  return {
    id: runId,
    url: `https://host/adsync/api/sync/runs/${runId}`,
    kind: 'users',
    status: 'succeeded',
    trigger: 'scheduled',
    dryRun: false,
    confirmDeletions: false,
    selection: {
      kind: 'wholeDirectory',
      count: 40,
      search: null,
      requested: null,
      fullPass: false,
      fromRun: null,
      pass: 'full',
    },
    requestedBy: { kind: 'schedule', id: null, name: 'schedule' },
    progress: { processed: 40, total: 40 },
    counts: { modified: 3, deleted: 0, duplicated: 0, unchanged: 34, failed: 3 },
    groupCounts: null,
    blocked: null,
    error: null,
    mainFailure: null,
    confirmedRunId: null,
    createdAt: '2026-11-30T00:00:00.000Z',
    startedAt: '2026-11-30T00:00:00.000Z',
    finishedAt: '2026-11-30T00:00:05.000Z',
    ...overrides,
  };
}

describe('the scheduled run summary', () => {
  it('never reads like a success when users failed, and names the main reason with its count', () => {
    const { subject, text } = composeRunSummary({
      run: aScheduledRun({
        status: 'partial',
        error: "3 of 40 users could not be synchronized; the run's items name each one.",
        mainFailure: { code: 'no_answer', message: 'Azure AD gave no answer for this user.', count: 3 },
      }),
      runLink: `https://host/adsync/history/${runId}`,
    });
    expect(subject).toBe(
      'Scheduled Azure AD sync partial (some users failed): 3 modified, 0 deleted, 0 duplicated, 3 failed',
    );
    expect(text).toContain(`The scheduled Azure AD sync ${runId} ended partial (some users failed).`);
    expect(text).toContain(
      'Most common failure: no_answer, 3 users (Azure AD gave no answer for this user.)',
    );
    expect(text).toContain(`Open the run: https://host/adsync/history/${runId}`);
    expect(text).toContain(`The run in the API: https://host/adsync/api/sync/runs/${runId}`);
  });
});

describe('links under PUBLIC_URL', () => {
  it.each([
    ['https://host/adsync/', 'https://host/adsync/api/sync/runs/1'],
    ['https://host/adsync', 'https://host/adsync/api/sync/runs/1'],
    ['https://host', 'https://host/api/sync/runs/1'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000/api/sync/runs/1'],
    ['https://host/a/b/?x=1#top', 'https://host/a/b/api/sync/runs/1'],
  ])('%s keeps its path', (publicUrl, expected) => {
    expect(underPublicUrl(publicUrl, '/api/sync/runs/1')).toBe(expected);
  });
});
