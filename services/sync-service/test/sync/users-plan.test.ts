import type { Decision } from '../../src/features/sync/users/outcomes';
import {
  decideChunk,
  planChunk,
  type StoredUsers,
  type UsersChunk,
  type UsersRunSettings,
} from '../../src/features/sync/users/plan';
import type { SyncableUserRow } from '../../src/features/users/repository';
import { profileColumns, type UserProfile } from '../../src/features/users/user';
import { profile } from './profiles';

// The pure plan of one chunk: decisions × phase × dry run → the writes, the run's items and the counters.

const row = (id: string, current: UserProfile = profile(id)): SyncableUserRow => ({
  ...profileColumns(current),
  id,
  is_active: true,
  source: 'azure_ad',
  object_id: `object-${id}`,
  tenant_id: 'tenant',
  last_synced_at: null,
  created_at: new Date('2026-01-01T00:00:00Z'),
  updated_at: new Date('2026-01-02T00:00:00Z'),
  deactivated_by_sync: false,
});

const real: UsersRunSettings = {
  dryRun: false,
  keepUnchangedItems: false,
  upstreamDeletion: 'delete',
  accountState: 'sync',
};
const dry: UsersRunSettings = { ...real, dryRun: true };

const stored = (rows: SyncableUserRow[], deferred: string[] = []): StoredUsers => ({
  rows,
  holders: [],
  deferred: new Set(deferred),
});

/** Upstream answers for the chunk's users; planChunk only reads their ids. */
const readChunk = (phase: 'read' | 'retry' | 'replay', ids: string[]): UsersChunk => ({
  phase,
  upstream: new Map(ids.map((id) => [id, { kind: 'notFound' as const }])),
});

const renamed = profile('ada', { lastName: 'Lovelace', email: 'ada.lovelace@contoso.example' });
const holder = { userId: 'x', username: 'x', email: 'taken@contoso.example', field: 'email' as const };

/** One of each outcome, in the order of the rows ada, bob, cy, dee, eve, fay. */
const mixed: Decision[] = [
  {
    outcome: 'modified',
    changes: [{ field: 'lastName', before: 'Doe', after: 'Lovelace' }],
    target: renamed,
  },
  { outcome: 'unchanged' },
  { outcome: 'deleted' },
  { outcome: 'failed', failure: { code: 'server_error', message: 'Graph failed.' } },
  {
    outcome: 'duplicated',
    changes: [{ field: 'email', before: 'eve@contoso.example', after: 'taken@contoso.example' }],
    target: profile('eve', { email: 'taken@contoso.example' }),
    duplicateOf: holder,
    holderMayMove: true,
  },
  {
    outcome: 'modified',
    changes: [{ field: 'isActive', before: true, after: false }],
    target: profile('fay'),
  },
];
const ids = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'];
const rows = ids.map((id) => row(id));

describe('planChunk, users read in the main pass', () => {
  it('writes the modified users, stamps the unchanged, stages deletions and collisions, counts the rest', () => {
    const plan = planChunk(readChunk('read', ids), stored(rows), mixed, real);

    expect(plan.profiles).toEqual([
      { userId: 'ada', profile: renamed },
      { userId: 'fay', profile: profile('fay') },
    ]);
    expect(plan.deactivate).toEqual(['fay']);
    expect(plan.reactivate).toEqual([]);
    expect(plan.remove).toEqual([]);
    expect(plan.plannedKeys).toEqual([]);
    expect(plan.unchanged).toEqual(['bob']);
    expect(plan.stage.deletion).toEqual([{ userId: 'cy', target: null }]);
    expect(plan.stage.collision).toEqual([
      { userId: 'eve', target: profile('eve', { email: 'taken@contoso.example' }) },
    ]);
    expect(plan.resolve).toEqual({ deletion: [], collision: [] });
    expect(plan.items.map((item) => [item.userId, item.outcome, item.applied])).toEqual([
      ['ada', 'modified', true],
      ['dee', 'failed', true],
      ['fay', 'modified', true],
    ]);
    expect(plan.items[1].failure).toEqual({ code: 'server_error', message: 'Graph failed.' });
    // Staged users are counted when their deletion or collision is resolved, not now.
    expect(plan.tally).toEqual({
      outcomes: { modified: 2, unchanged: 1, deleted: 0, duplicated: 0, failed: 1 },
      processed: 4,
    });
  });

  it('keeps an item for the unchanged users when the policy asks for it', () => {
    const plan = planChunk(readChunk('read', ids), stored(rows), mixed, {
      ...real,
      keepUnchangedItems: true,
    });
    expect(plan.items.filter((item) => item.outcome === 'unchanged').map((item) => item.userId)).toEqual([
      'bob',
    ]);
  });

  it('a dry run plans the same items and counters, writes no user and keeps the keys its users would hold', () => {
    const wet = planChunk(readChunk('read', ids), stored(rows), mixed, real);
    const plan = planChunk(readChunk('read', ids), stored(rows), mixed, dry);

    expect(plan.profiles).toEqual([]);
    expect(plan.deactivate).toEqual([]);
    expect(plan.unchanged).toEqual([]);
    expect(plan.plannedKeys).toEqual([
      { userId: 'ada', username: renamed.username, email: renamed.email },
      { userId: 'fay', username: 'fay@contoso.example', email: 'fay@contoso.example' },
    ]);
    expect(plan.items.every((item) => !item.applied)).toBe(true);
    expect(plan.items.map((item) => item.userId)).toEqual(wet.items.map((item) => item.userId));
    expect(plan.tally).toEqual(wet.tally);
    expect(plan.stage).toEqual(wet.stage);
  });
});

describe('planChunk, deferred collisions and replays', () => {
  it('a retry reports the collision as duplicated and resolves every collision of the chunk', () => {
    const plan = planChunk(readChunk('retry', ['eve']), stored([row('eve')]), [mixed[4]], real);
    expect(plan.stage.collision).toEqual([]);
    expect(plan.items.map((item) => [item.outcome, item.duplicateOf])).toEqual([['duplicated', holder]]);
    expect(plan.resolve.collision).toEqual(['eve']);
    expect(plan.tally).toEqual({
      outcomes: { modified: 0, unchanged: 0, deleted: 0, duplicated: 1, failed: 0 },
      processed: 1,
    });
  });

  it('a replay found unchanged counts only if its first judgment was a collision still deferred', () => {
    const plan = planChunk(
      readChunk('replay', ['bob', 'eve']),
      stored([row('bob'), row('eve')], ['eve']),
      [{ outcome: 'unchanged' }, { outcome: 'unchanged' }],
      real,
    );
    expect(plan.tally).toEqual({
      outcomes: { modified: 0, unchanged: 1, deleted: 0, duplicated: 0, failed: 0 },
      processed: 1,
    });
    // Both are stamped; the newer state replaces the deferred collision.
    expect(plan.unchanged).toEqual(['bob', 'eve']);
    expect(plan.resolve.collision).toEqual(['eve']);
  });
});

describe('planChunk, staged deletions', () => {
  const deletion = (mode: 'apply' | 'holdBack'): UsersChunk => ({
    phase: 'deletion',
    mode,
    // 'gone' was deleted meanwhile: it is resolved, but neither written nor counted.
    pending: ['cy', 'gone'].map((userId) => ({ userId, target: null })),
  });
  const cy = stored([row('cy')]);
  const plan = (mode: 'apply' | 'holdBack', settings: UsersRunSettings) =>
    planChunk(deletion(mode), cy, decideChunk(deletion(mode), cy, settings), settings);

  it('every staged user still there is decided deleted', () => {
    expect(decideChunk(deletion('apply'), cy, real)).toEqual([{ outcome: 'deleted' }]);
  });

  it('applied: deletes the user, keeps its last state in the item, counts it', () => {
    const applied = plan('apply', real);
    expect(applied.remove).toEqual(['cy']);
    expect(applied.deactivate).toEqual([]);
    expect(applied.items).toHaveLength(1);
    expect(applied.items[0]).toMatchObject({ outcome: 'deleted', action: 'deleted', applied: true });
    expect(applied.items[0].lastState).toMatchObject({ id: 'cy', email: 'cy@contoso.example' });
    expect(applied.resolve.deletion).toEqual(['cy', 'gone']);
    expect(applied.tally).toEqual({
      outcomes: { modified: 0, unchanged: 0, deleted: 1, duplicated: 0, failed: 0 },
      processed: 1,
    });
  });

  it('under the deactivate policy the user is deactivated instead', () => {
    const applied = plan('apply', { ...real, upstreamDeletion: 'deactivate' });
    expect(applied.remove).toEqual([]);
    expect(applied.deactivate).toEqual(['cy']);
    expect(applied.items[0].action).toBe('deactivated');
  });

  it('held back: nobody is written, the item says who would go, nothing counts as deleted', () => {
    const held = plan('holdBack', real);
    expect([held.remove, held.deactivate, held.plannedKeys]).toEqual([[], [], []]);
    expect(held.items[0]).toMatchObject({ outcome: 'deleted', applied: false });
    expect(held.tally.outcomes.deleted).toBe(0);
    expect(held.tally.processed).toBe(1);
  });

  it('a dry run deletes nobody, counts the deletion and frees the keys for the rest of the run', () => {
    const dryDeletion = plan('apply', dry);
    expect(dryDeletion.remove).toEqual([]);
    expect(dryDeletion.plannedKeys).toEqual([{ userId: 'cy', gone: true }]);
    expect(dryDeletion.items[0].applied).toBe(false);
    expect(dryDeletion.tally.outcomes.deleted).toBe(1);
    // Deactivated users keep their keys: nothing is freed.
    expect(plan('apply', { ...dry, upstreamDeletion: 'deactivate' }).plannedKeys).toEqual([]);
  });
});
