import type { ImportedProfile } from '../../src/features/directory-import/importer';
import type {
  GroupsChunk,
  GroupUpstream,
  MemberRef,
  StoredGroups,
  UpstreamMember,
} from '../../src/features/sync/groups/outcomes';
import { decideGroups, planGroups } from '../../src/features/sync/groups/plan';

// The pure decisions and plan of a chunk of groups: upstream × stored × mode × dry run → outcomes and writes.

const user = (n: number): MemberRef => ({
  userId: `user-${n}`,
  objectId: `object-${n}`,
  username: `user${n}`,
  email: `user${n}@example.com`,
});
const importable = (n: number): ImportedProfile => ({
  objectId: `object-${n}`,
  profile: { username: `user${n}`, email: `user${n}@example.com` } as ImportedProfile['profile'],
  disabled: false,
});
const member = (n: number): UpstreamMember => ({
  objectId: `object-${n}`,
  userPrincipalName: `user${n}@tenant`,
  importable: importable(n),
  refusal: null,
});
const found = (name: string, members: number[], description: string | null = null): GroupUpstream => ({
  kind: 'found',
  group: { id: `object-g-${name}`, displayName: name, description },
  members: members.map(member),
});

function stored(overrides: Partial<StoredGroups> = {}): StoredGroups {
  return {
    groups: new Map([
      ['g1', { id: 'g1', name: 'One', description: null }],
      ['g2', { id: 'g2', name: 'Two', description: null }],
    ]),
    members: new Map([['g1', [user(1), user(2)]]]),
    nameHolders: new Map(),
    users: new Map([1, 2, 3].map((n) => [`object-${n}`, user(n)])),
    keyHolders: new Map(),
    ...overrides,
  };
}

const chunk = (groups: Array<[string, GroupUpstream]>, mode: GroupsChunk['mode'] = 'apply'): GroupsChunk => ({
  mode,
  groups: groups.map(([id, upstream]) => ({ id, objectId: `object-${id}`, upstream })),
});

const real = { dryRun: false };

describe('deciding groups', () => {
  it('finds a group unchanged when name, description and members agree', () => {
    const [decision] = decideGroups(chunk([['g1', found('One', [1, 2])]]), stored());
    expect(decision.outcome).toBe('unchanged');
  });

  it('itemises a rename, an added known member, a created member and a removed member', () => {
    const [decision] = decideGroups(chunk([['g1', found('Uno', [1, 3, 4], 'new')]]), stored());
    expect(decision).toMatchObject({
      outcome: 'modified',
      changes: [
        { field: 'name', before: 'One', after: 'Uno' },
        { field: 'description', before: null, after: 'new' },
      ],
      members: {
        added: [user(3), expect.objectContaining({ objectId: 'object-4', userId: null })],
        removed: [user(2)],
      },
      create: [importable(4)],
    });
  });

  it('does not create a member whose email or username another user holds, naming the holder', () => {
    const holder = {
      userId: 'local',
      username: 'local',
      email: 'user4@example.com',
      field: 'email' as const,
    };
    const [decision] = decideGroups(
      chunk([['g1', found('One', [1, 2, 4])]]),
      stored({ keyHolders: new Map([['object-4', holder]]) }),
    );
    expect(decision).toMatchObject({
      outcome: 'unchanged',
      create: [],
      members: {
        notAdded: [
          {
            objectId: 'object-4',
            reason: 'Another user (local) already has this email.',
            duplicateOf: holder,
          },
        ],
      },
    });
  });

  it('creates a new member of two groups once', () => {
    const decisions = decideGroups(
      chunk([
        ['g1', found('One', [1, 2, 5])],
        ['g2', found('Two', [5])],
      ]),
      stored(),
    );
    const plan = planGroups(chunk([]), decisions, real);
    expect(plan.create).toEqual([importable(5)]);
    expect(plan.additions).toEqual([
      { groupId: 'g1', userId: null, objectId: 'object-5' },
      { groupId: 'g2', userId: null, objectId: 'object-5' },
    ]);
    expect(plan.memberships).toEqual({ membersAdded: 2, membersRemoved: 0, usersCreated: 1 });
  });

  it('calls a rename onto another group’s name duplicated, also onto a name an earlier group of the chunk takes', () => {
    const holder = { groupId: 'g9', name: 'Nine' };
    const [taken] = decideGroups(
      chunk([['g1', found('nine', [1, 2])]]),
      stored({ nameHolders: new Map([['nine', holder]]) }),
    );
    expect(taken).toMatchObject({ outcome: 'duplicated', duplicateOf: holder });
    const [, second] = decideGroups(
      chunk([
        ['g1', found('Same', [1, 2])],
        ['g2', found('same', [])],
      ]),
      stored(),
    );
    expect(second).toMatchObject({ outcome: 'duplicated', duplicateOf: { groupId: 'g1', name: 'Same' } });
    // A change of case only is the group's own name.
    const [own] = decideGroups(
      chunk([['g1', found('ONE', [1, 2])]]),
      stored({ nameHolders: new Map([['one', { groupId: 'g1', name: 'One' }]]) }),
    );
    expect(own.outcome).toBe('modified');
  });

  it('fails a group Azure AD did not answer for completely, and deletes one only on 404', () => {
    const failure = { code: 'service_unavailable', message: 'page 3' };
    const decisions = decideGroups(
      chunk([
        ['g1', { kind: 'failed', failure }],
        ['g2', { kind: 'notFound' }],
      ]),
      stored({ members: new Map([['g2', [user(3)]]]) }),
    );
    expect(decisions.map((decision) => decision.outcome)).toEqual(['failed', 'deleted']);
    const plan = planGroups(chunk([]), decisions, real);
    expect(plan.removals).toEqual([]);
    expect(plan.deletions).toEqual(['g2']);
    expect(plan.items.map((item) => [item.outcome, item.applied, item.members.removed.length])).toEqual([
      ['failed', false, 0],
      ['deleted', true, 1],
    ]);
  });

  it('skips a group deleted here meanwhile', () => {
    const decisions = decideGroups(chunk([['g3', found('Three', [])]]), stored());
    expect(decisions[0].outcome).toBe('gone');
    expect(planGroups(chunk([]), decisions, real).items).toEqual([]);
  });
});

describe('planning groups', () => {
  const decisions = () =>
    decideGroups(
      chunk([
        ['g1', found('One', [1])],
        ['g2', found('Two', [3])],
      ]),
      stored(),
    );

  it('writes removals and additions when applied', () => {
    const plan = planGroups(chunk([]), decisions(), real);
    expect(plan.removals).toEqual([{ groupId: 'g1', userIds: ['user-2'] }]);
    expect(plan.additions).toEqual([{ groupId: 'g2', userId: 'user-3', objectId: 'object-3' }]);
    expect(plan.synced).toEqual(['g1', 'g2']);
    expect(plan.tally).toEqual({ outcomes: expect.objectContaining({ modified: 2 }), processed: 0 });
  });

  it('holds back a group that would lose members, and writes the others', () => {
    const plan = planGroups(chunk([], 'holdBack'), decisions(), real);
    expect(plan.removals).toEqual([]);
    expect(plan.additions).toHaveLength(1);
    expect(plan.items.map((item) => item.applied)).toEqual([false, true]);
    expect(plan.memberships).toEqual({ membersAdded: 1, membersRemoved: 1, usersCreated: 0 });
  });

  it('writes nothing on a dry run but reports the same', () => {
    const plan = planGroups(chunk([]), decisions(), { dryRun: true });
    expect([plan.removals, plan.additions, plan.updates, plan.deletions, plan.create, plan.synced]).toEqual([
      [],
      [],
      [],
      [],
      [],
      [],
    ]);
    expect(plan.items.every((item) => !item.applied)).toBe(true);
    expect(plan.memberships).toEqual({ membersAdded: 1, membersRemoved: 1, usersCreated: 0 });
  });
});
