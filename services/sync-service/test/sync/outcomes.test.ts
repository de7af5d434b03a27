import { defaultSyncPolicy, deletionBlock } from '../../src/features/sync/policy';
import {
  decideBatch,
  type KeyHolder,
  type SyncedUser,
  type Upstream,
} from '../../src/features/sync/users/outcomes';
import type { UserProfile } from '../../src/features/users/user';
import { profile } from './profiles';

const user = (id: string, current: UserProfile): SyncedUser => ({
  id,
  profile: current,
  isActive: true,
  deactivatedBySync: false,
});
const found = (target: UserProfile, accountEnabled: boolean | null = true): Upstream => ({
  kind: 'found',
  profile: target,
  accountEnabled,
});

describe('decideBatch', () => {
  it('records each changed field with its before and after', () => {
    const ada = profile('ada');
    const [decision] = decideBatch(
      [{ user: user('u1', ada), upstream: found({ ...ada, lastName: 'Lovelace', contactNumber: '+1 555' }) }],
      [],
    );
    expect(decision).toEqual({
      outcome: 'modified',
      target: { ...ada, lastName: 'Lovelace', contactNumber: '+1 555' },
      changes: [
        { field: 'lastName', before: 'Doe', after: 'Lovelace' },
        { field: 'contactNumber', before: null, after: '+1 555' },
      ],
    });
  });

  it('is unchanged when Azure AD says what the user already has', () => {
    const ada = profile('ada');
    expect(decideBatch([{ user: user('u1', ada), upstream: found(ada) }], [])).toEqual([
      { outcome: 'unchanged' },
    ]);
  });

  it('marks a user gone upstream as a deletion candidate and a failed read as failed, never the other way', () => {
    const decisions = decideBatch(
      [
        { user: user('u1', profile('ada')), upstream: { kind: 'notFound' } },
        {
          user: user('u2', profile('bob')),
          upstream: { kind: 'failed', failure: { code: 'server_error', message: '503' } },
        },
      ],
      [],
    );
    expect(decisions).toEqual([
      { outcome: 'deleted' },
      { outcome: 'failed', failure: { code: 'server_error', message: '503' } },
    ]);
  });

  it('is duplicated when the new email belongs to another user, case-insensitively, and names that user', () => {
    const holder: KeyHolder = {
      id: 'local-1',
      username: 'boss',
      email: 'Boss@Contoso.example',
      mayMove: false,
    };
    const ada = profile('ada');
    const [decision] = decideBatch(
      [
        {
          user: user('u1', ada),
          upstream: found({ ...ada, email: 'boss@contoso.example', firstName: 'Ada' }),
        },
      ],
      [holder],
    );
    expect(decision).toMatchObject({
      outcome: 'duplicated',
      duplicateOf: { userId: 'local-1', username: 'boss', email: 'Boss@Contoso.example', field: 'email' },
      holderMayMove: false,
      changes: [
        { field: 'firstName', before: 'ada', after: 'Ada' },
        { field: 'email', before: 'ada@contoso.example', after: 'boss@contoso.example' },
      ],
    });
  });

  it('is duplicated when the new username belongs to a local user', () => {
    const holder: KeyHolder = { id: 'local-1', username: 'ADA.L', email: 'other@x.example', mayMove: false };
    const ada = profile('ada');
    const [decision] = decideBatch(
      [{ user: user('u1', ada), upstream: found({ ...ada, username: 'ada.l' }) }],
      [holder],
    );
    expect(decision).toMatchObject({
      outcome: 'duplicated',
      duplicateOf: { userId: 'local-1', field: 'username' },
    });
  });

  it('lets a user change only the case of its own email', () => {
    const ada = profile('ada');
    const holderIsSelf: KeyHolder = { id: 'u1', username: ada.username, email: ada.email, mayMove: true };
    const [decision] = decideBatch(
      [{ user: user('u1', ada), upstream: found({ ...ada, email: 'Ada@Contoso.example' }) }],
      [holderIsSelf],
    );
    expect(decision.outcome).toBe('modified');
  });

  it('lets two users of one batch swap emails: judged against the end state of the batch', () => {
    const ada = profile('ada');
    const bob = profile('bob');
    const decisions = decideBatch(
      [
        { user: user('u1', ada), upstream: found({ ...ada, email: bob.email }) },
        { user: user('u2', bob), upstream: found({ ...bob, email: ada.email }) },
      ],
      [
        { id: 'u1', username: ada.username, email: ada.email, mayMove: true },
        { id: 'u2', username: bob.username, email: bob.email, mayMove: true },
      ],
    );
    expect(decisions.map((decision) => decision.outcome)).toEqual(['modified', 'modified']);
  });

  it('lets a user take the email another user of the batch gives up (a chain of renames)', () => {
    const ada = profile('ada');
    const bob = profile('bob');
    const decisions = decideBatch(
      [
        { user: user('u1', ada), upstream: found({ ...ada, email: bob.email }) },
        { user: user('u2', bob), upstream: found({ ...bob, email: 'robert@contoso.example' }) },
      ],
      [],
    );
    expect(decisions.map((decision) => decision.outcome)).toEqual(['modified', 'modified']);
  });

  it('keeps a chain from moving when its last link is blocked, and says by whom', () => {
    const ada = profile('ada');
    const bob = profile('bob');
    const local: KeyHolder = {
      id: 'local-1',
      username: 'robert',
      email: 'robert@contoso.example',
      mayMove: false,
    };
    const decisions = decideBatch(
      [
        // ada wants bob's email; bob wants an email a local user holds, so bob keeps his, so ada cannot have it.
        { user: user('u1', ada), upstream: found({ ...ada, email: bob.email }) },
        { user: user('u2', bob), upstream: found({ ...bob, email: local.email }) },
      ],
      [local],
    );
    expect(decisions[1]).toMatchObject({ outcome: 'duplicated', duplicateOf: { userId: 'local-1' } });
    expect(decisions[0]).toMatchObject({
      outcome: 'duplicated',
      duplicateOf: { userId: 'u2', email: bob.email, field: 'email' },
      holderMayMove: true,
    });
  });

  it('refuses both users of a batch that want the same new email, each naming the other', () => {
    const ada = profile('ada');
    const bob = profile('bob');
    const decisions = decideBatch(
      [
        { user: user('u1', ada), upstream: found({ ...ada, email: 'team@contoso.example' }) },
        { user: user('u2', bob), upstream: found({ ...bob, email: 'team@contoso.example' }) },
      ],
      [],
    );
    expect(decisions[0]).toMatchObject({ outcome: 'duplicated', duplicateOf: { userId: 'u2' } });
    expect(decisions[1]).toMatchObject({ outcome: 'duplicated', duplicateOf: { userId: 'u1' } });
  });

  it('keeps a user gone upstream holding its email until it is actually deleted', () => {
    const ada = profile('ada');
    const bob = profile('bob');
    const decisions = decideBatch(
      [
        { user: user('u1', ada), upstream: { kind: 'notFound' } },
        { user: user('u2', bob), upstream: found({ ...bob, email: ada.email }) },
      ],
      [],
    );
    expect(decisions[1]).toMatchObject({
      outcome: 'duplicated',
      duplicateOf: { userId: 'u1' },
      holderMayMove: true,
    });
  });

  it('fails a user whose mapped username or email would be empty', () => {
    const ada = profile('ada');
    const [decision] = decideBatch([{ user: user('u1', ada), upstream: found({ ...ada, email: '' }) }], []);
    expect(decision).toMatchObject({ outcome: 'failed', failure: { code: 'missing_attribute' } });
  });

  it('fails a user whose mapped username is only blanks, and says which field', () => {
    const ada = profile('ada');
    const [decision] = decideBatch(
      [{ user: user('u1', ada), upstream: found({ ...ada, username: ' \t ' }) }],
      [],
    );
    expect(decision).toEqual({
      outcome: 'failed',
      failure: {
        code: 'missing_attribute',
        message: 'Azure AD has no value for the username under the current attribute mapping.',
      },
    });
  });

  it('compares emails as the unique index does (lower case): ß and SS are different emails', () => {
    const holder: KeyHolder = {
      id: 'local-1',
      username: 'strasse',
      email: 'straße@contoso.example',
      mayMove: false,
    };
    const ada = profile('ada');
    const target = { ...ada, email: 'STRASSE@contoso.example' };
    const [decision] = decideBatch([{ user: user('u1', ada), upstream: found(target) }], [holder]);
    expect(decision).toMatchObject({ outcome: 'modified', target });
  });
});

describe('deletionBlock', () => {
  it('blocks only when both the share and the count are exceeded', () => {
    expect(deletionBlock(11, 50, defaultSyncPolicy)).toEqual({
      wouldDelete: 11,
      selected: 50,
      thresholdPercent: 20,
      thresholdMinCount: 10,
    });
    expect(deletionBlock(10, 20, defaultSyncPolicy)).toBeNull();
    expect(deletionBlock(50, 100_000, defaultSyncPolicy)).toBeNull();
    expect(deletionBlock(3, 5, defaultSyncPolicy)).toBeNull();
  });

  it('takes the share of the selection: exactly the share is not over it, one more is', () => {
    // 20 % of 55 is 11, and 11 is over the count of 10: only the share decides here.
    expect(deletionBlock(11, 55, defaultSyncPolicy)).toBeNull();
    expect(deletionBlock(12, 55, defaultSyncPolicy)).toMatchObject({ wouldDelete: 12, selected: 55 });
    // 15 of 100 is over the count but under 20 %.
    expect(deletionBlock(15, 100, defaultSyncPolicy)).toBeNull();
    expect(deletionBlock(21, 100, defaultSyncPolicy)).not.toBeNull();
    expect(deletionBlock(5_000, 20_000, { ...defaultSyncPolicy, deletionThresholdPercent: 25 })).toBeNull();
  });

  it('takes the count: exactly the count is not over it, one more is', () => {
    const anyShare = { ...defaultSyncPolicy, deletionThresholdPercent: 0 };
    expect(deletionBlock(10, 1_000, anyShare)).toBeNull();
    expect(deletionBlock(11, 1_000, anyShare)).toEqual({
      wouldDelete: 11,
      selected: 1_000,
      thresholdPercent: 0,
      thresholdMinCount: 10,
    });
  });
});

describe('the default sync policy', () => {
  it('is the one the contract documents', () => {
    expect(defaultSyncPolicy).toEqual({
      deletionThresholdPercent: 20,
      deletionThresholdMinCount: 10,
      keepUnchangedItems: false,
      retainRuns: 200,
      upstreamDeletion: 'delete',
      accountState: 'sync',
      groupMembers: 'transitive',
    });
  });
});

describe('decideBatch with users sync deactivated', () => {
  const ada = profile('ada');
  const deactivated = (id: string): SyncedUser => ({
    ...user(id, ada),
    isActive: false,
    deactivatedBySync: true,
  });

  it('reactivates one found upstream again, with an isActive change', () => {
    expect(decideBatch([{ user: deactivated('u1'), upstream: found(ada) }], [])).toEqual([
      { outcome: 'modified', target: ada, changes: [{ field: 'isActive', before: false, after: true }] },
    ]);
  });

  it('does not report one still gone again under the deactivate policy, but does under delete', () => {
    const gone = [{ user: deactivated('u1'), upstream: { kind: 'notFound' } as Upstream }];
    expect(decideBatch(gone, [], { upstreamDeletion: 'deactivate', accountState: 'ignore' })).toEqual([
      { outcome: 'unchanged' },
    ]);
    expect(decideBatch(gone, [], { upstreamDeletion: 'delete', accountState: 'ignore' })).toEqual([
      { outcome: 'deleted' },
    ]);
    expect(
      decideBatch([{ user: user('u2', ada), upstream: { kind: 'notFound' } }], [], {
        upstreamDeletion: 'deactivate',
        accountState: 'sync',
      }),
    ).toEqual([{ outcome: 'deleted' }]);
  });
});

describe('decideBatch with the account state', () => {
  const ada = profile('ada');
  const sync = { upstreamDeletion: 'delete', accountState: 'sync' } as const;
  const ignore = { upstreamDeletion: 'delete', accountState: 'ignore' } as const;
  const bySync: SyncedUser = { ...user('u1', ada), isActive: false, deactivatedBySync: true };
  const byAdministrator: SyncedUser = { ...user('u1', ada), isActive: false };
  const deactivation = { field: 'isActive', before: true, after: false };
  const reactivation = { field: 'isActive', before: false, after: true };

  it('deactivates an active user disabled in Azure AD under sync, as modified (not deleted)', () => {
    expect(decideBatch([{ user: user('u1', ada), upstream: found(ada, false) }], [], sync)).toEqual([
      { outcome: 'modified', target: ada, changes: [deactivation] },
    ]);
  });

  it('lists the deactivation after the profile changes of the same user', () => {
    const renamed = { ...ada, lastName: 'Byron' };
    const [decision] = decideBatch([{ user: user('u1', ada), upstream: found(renamed, false) }], [], sync);
    expect(decision).toEqual({
      outcome: 'modified',
      target: renamed,
      changes: [{ field: 'lastName', before: 'Doe', after: 'Byron' }, deactivation],
    });
  });

  it('ignores accountEnabled under ignore, and an unknown accountEnabled under sync', () => {
    expect(decideBatch([{ user: user('u1', ada), upstream: found(ada, false) }], [], ignore)).toEqual([
      { outcome: 'unchanged' },
    ]);
    expect(decideBatch([{ user: user('u1', ada), upstream: found(ada, null) }], [], sync)).toEqual([
      { outcome: 'unchanged' },
    ]);
    expect(decideBatch([{ user: user('u1', ada), upstream: found(ada, false) }], [])).toEqual([
      { outcome: 'unchanged' },
    ]);
  });

  it('reactivates a user sync deactivated once Azure AD enables it, and only then', () => {
    expect(decideBatch([{ user: bySync, upstream: found(ada, true) }], [], sync)).toEqual([
      { outcome: 'modified', target: ada, changes: [reactivation] },
    ]);
    expect(decideBatch([{ user: bySync, upstream: found(ada, false) }], [], sync)).toEqual([
      { outcome: 'unchanged' },
    ]);
    expect(decideBatch([{ user: bySync, upstream: found(ada, null) }], [], sync)).toEqual([
      { outcome: 'unchanged' },
    ]);
  });

  it('under ignore reactivates a user sync deactivated whenever it is found, as today', () => {
    expect(decideBatch([{ user: bySync, upstream: found(ada, false) }], [], ignore)).toEqual([
      { outcome: 'modified', target: ada, changes: [reactivation] },
    ]);
    expect(decideBatch([{ user: bySync, upstream: found(ada, null) }], [], ignore)).toEqual([
      { outcome: 'modified', target: ada, changes: [reactivation] },
    ]);
  });

  it('never reactivates nor deactivates again a user an administrator deactivated', () => {
    for (const accountEnabled of [true, false, null]) {
      for (const policy of [sync, ignore]) {
        expect(
          decideBatch([{ user: byAdministrator, upstream: found(ada, accountEnabled) }], [], policy),
        ).toEqual([{ outcome: 'unchanged' }]);
      }
    }
  });

  it('keeps an enabled active user unchanged under sync', () => {
    expect(decideBatch([{ user: user('u1', ada), upstream: found(ada, true) }], [], sync)).toEqual([
      { outcome: 'unchanged' },
    ]);
  });
});
