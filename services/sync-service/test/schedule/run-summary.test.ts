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

describe('the run summary of a run that covered groups', () => {
  const runLink = `https://host/adsync/history/${runId}`;
  const members = { membersAdded: 7, membersRemoved: 2, usersCreated: 1 };

  it("states the groups' outcomes and member changes of a whole-directory run beside its users'", () => {
    const { subject, text } = composeRunSummary({
      run: aScheduledRun({
        groupCounts: {
          ...members,
          membersIgnored: 4,
          groups: { modified: 2, deleted: 1, duplicated: 1, unchanged: 11, failed: 0 },
        },
      }),
      runLink,
    });
    expect(subject).toBe(
      'Scheduled Azure AD sync succeeded: users 3 modified, 0 deleted, 0 duplicated, 3 failed; groups 2 modified, 1 deleted, 1 duplicated, 0 failed',
    );
    const figures = text.slice(text.indexOf('Users'), text.indexOf('Open the run'));
    expect(figures.trim().split('\n')).toEqual([
      'Users',
      'Modified:        3',
      'Deleted:         0',
      'Duplicated:      0',
      'Unchanged:       34',
      'Failed:          3',
      '',
      'Groups',
      'Modified:        2',
      'Deleted:         1',
      'Duplicated:      1',
      'Unchanged:       11',
      'Failed:          0',
      'Members added:   7',
      'Members removed: 2',
      'Users created:   1',
    ]);
  });

  it("states a run of groups' outcomes as groups, with their member changes", () => {
    const { subject, text } = composeRunSummary({
      run: aScheduledRun({
        kind: 'groups',
        status: 'partial',
        counts: { modified: 1, deleted: 0, duplicated: 2, unchanged: 5, failed: 1 },
        groupCounts: members,
        mainFailure: { code: 'throttled', message: 'Azure AD throttled the read.', count: 1 },
      }),
      runLink,
    });
    expect(subject).toBe(
      'Scheduled Azure AD sync partial (some groups failed): groups 1 modified, 0 deleted, 2 duplicated, 1 failed',
    );
    expect(text).toContain(
      [
        'Groups',
        'Modified:        1',
        'Deleted:         0',
        'Duplicated:      2',
        'Unchanged:       5',
        'Failed:          1',
        'Members added:   7',
        'Members removed: 2',
        'Users created:   1',
      ].join('\n'),
    );
    expect(text).toContain('Most common failure: throttled, 1 group (Azure AD throttled the read.)');
  });

  it('says nothing of groups for a run that covered none', () => {
    const { subject, text } = composeRunSummary({ run: aScheduledRun({}), runLink });
    expect(`${subject}\n${text}`).not.toMatch(/group|member/i);
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
