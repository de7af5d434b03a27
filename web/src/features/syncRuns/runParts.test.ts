import { describe, expect, it } from 'vitest';
import { aRun } from '@/test-support/runs';
import { runParts } from './runLabels';

describe('runParts', () => {
  const users = { modified: 2, deleted: 0, duplicated: 0, unchanged: 38, failed: 0 };
  const groups = { modified: 1, deleted: 1, duplicated: 0, unchanged: 4, failed: 0 };
  const members = { membersAdded: 3, membersRemoved: 1, usersCreated: 0 };

  it('shows a whole-directory run that covered groups as its users, then its groups', () => {
    const run = aRun({ counts: users, groupCounts: { ...members, membersIgnored: 0, groups } });
    expect(runParts(run)).toEqual([
      { objects: 'users', counts: users },
      { objects: 'groups', counts: groups },
    ]);
  });

  it('shows a run of users without groups, and a run of groups, as one kind', () => {
    expect(runParts(aRun({ counts: users, groupCounts: null }))).toEqual([
      { objects: 'users', counts: users },
    ]);
    expect(runParts(aRun({ kind: 'groups', counts: groups, groupCounts: members }))).toEqual([
      { objects: 'groups', counts: groups },
    ]);
  });
});
