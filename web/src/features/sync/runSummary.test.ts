import { describe, expect, it } from 'vitest';
import { aRun } from '@/test-support/runs';
import { resultTitle, summarizeRun } from './runSummary';

describe('summarizeRun', () => {
  it('says what the seed says: modified, deleted and duplicated, plus what else happened', () => {
    const run = aRun({
      status: 'succeeded',
      counts: { modified: 1, deleted: 1, duplicated: 1, unchanged: 2, failed: 0 },
    });
    expect(summarizeRun(run)).toBe('Of 5 users: 1 modified, 1 deleted, 1 duplicated and 2 unchanged.');
  });

  it('says a dry run changed nothing', () => {
    const run = aRun({
      status: 'succeeded',
      dryRun: true,
      selection: {
        kind: 'allMatching',
        count: 1,
        search: '',
        requested: null,
        fullPass: null,
        fromRun: null,
        pass: null,
      },
    });
    expect(summarizeRun(run)).toBe(
      'Dry run of 1 user, nothing was changed: 0 modified, 0 deleted and 0 duplicated.',
    );
  });

  it('says a blocked run deleted nobody yet', () => {
    const run = aRun({
      status: 'blocked',
      counts: { modified: 1, deleted: 2, duplicated: 0, unchanged: 0, failed: 0 },
    });
    expect(summarizeRun(run)).toMatch(/No user was deleted yet/);
  });

  it('never reads a run with failed users as plain success, and names the main reason with its count', () => {
    const run = aRun({
      status: 'partial',
      counts: { modified: 3, deleted: 0, duplicated: 0, unchanged: 0, failed: 2 },
      mainFailure: { code: 'no_answer', message: 'Azure AD gave no answer for this user.', count: 2 },
    });
    expect(resultTitle(run)).toBe('Synchronization complete, but some users failed');
    expect(summarizeRun(run)).toBe(
      'Of 5 users: 3 modified, 0 deleted, 0 duplicated and 2 failed. Most common failure (2 users, no_answer): Azure AD gave no answer for this user.',
    );
  });

  describe('of a run of groups', () => {
    const groupSelection = {
      kind: 'groupIds' as const,
      count: 4,
      search: null,
      requested: 4,
      fullPass: null,
      fromRun: null,
      pass: null,
    };

    it('counts groups and says what happened to their members', () => {
      const run = aRun({
        kind: 'groups',
        status: 'succeeded',
        selection: groupSelection,
        counts: { modified: 2, deleted: 1, duplicated: 0, unchanged: 1, failed: 0 },
        groupCounts: { membersAdded: 2, membersRemoved: 1, usersCreated: 1 },
      });
      expect(summarizeRun(run)).toBe(
        'Of 4 groups: 2 modified, 1 deleted, 0 duplicated and 1 unchanged. 2 members added, 1 member removed, 1 user created.',
      );
    });

    it('says a blocked run removed no member yet, and names failed groups as groups', () => {
      const blocked = aRun({
        kind: 'groups',
        status: 'blocked',
        selection: groupSelection,
        groupCounts: { membersAdded: 0, membersRemoved: 0, usersCreated: 0 },
      });
      expect(summarizeRun(blocked)).toMatch(/No member was removed yet/);
      const partial = aRun({
        kind: 'groups',
        status: 'partial',
        selection: groupSelection,
        counts: { modified: 3, deleted: 0, duplicated: 0, unchanged: 0, failed: 1 },
        mainFailure: { code: 'no_answer', message: 'Azure AD gave no answer.', count: 1 },
        groupCounts: { membersAdded: 0, membersRemoved: 0, usersCreated: 0 },
      });
      expect(resultTitle(partial)).toBe('Synchronization complete, but some groups failed');
      expect(summarizeRun(partial)).toMatch(/Most common failure \(1 group, no_answer\)/);
    });
  });
  describe('of a whole-directory run', () => {
    const wholeDirectory = {
      kind: 'wholeDirectory' as const,
      count: 40,
      search: null,
      requested: null,
      fullPass: false,
      fromRun: null,
      pass: 'incremental' as const,
    };

    it('states the groups it covered apart from its users, with their member changes', () => {
      const run = aRun({
        status: 'succeeded',
        selection: wholeDirectory,
        counts: { modified: 2, deleted: 0, duplicated: 0, unchanged: 38, failed: 0 },
        groupCounts: {
          membersAdded: 3,
          membersRemoved: 1,
          usersCreated: 0,
          membersIgnored: 2,
          groups: { modified: 1, deleted: 1, duplicated: 0, unchanged: 4, failed: 0 },
        },
      });
      expect(summarizeRun(run)).toBe(
        'Of 40 users: 2 modified, 0 deleted, 0 duplicated and 38 unchanged. Of its imported groups: 1 modified, 1 deleted, 0 duplicated and 4 unchanged. 3 members added, 1 member removed, 0 users created.',
      );
    });

    it('says nothing of groups or members when it covered no groups', () => {
      const run = aRun({
        status: 'succeeded',
        selection: wholeDirectory,
        counts: { modified: 2, deleted: 0, duplicated: 0, unchanged: 38, failed: 0 },
        groupCounts: null,
      });
      expect(summarizeRun(run)).toBe('Of 40 users: 2 modified, 0 deleted, 0 duplicated and 38 unchanged.');
    });
  });
});
