import { insertUser } from '../../src/features/users/repository';
import { profileColumns, profileOf } from '../../src/features/users/user';
import { deltaClient, startRoundPausedAfterFirstPage } from './delta-client';
import { runUntilEnd, type SyncTestbed, startSyncTestbed } from './sync-testbed';

/**
 * What whole-directory runs decide, user by user, over a story of full and incremental passes: renames, email
 * exchanges within and across chunks, duplicates, removals, restores, disabled accounts, replays, partial
 * updates, a dry run and kept unchanged items. The expected outcomes were recorded from the per-chunk delta
 * pass; however the pass does its database work, these decisions must stay exactly the same.
 */
let bed: SyncTestbed;
let ids: string[];
const client = deltaClient(() => bed);
const upstreamId = (index: number) => bed.sim.tenant().userId(index);
const mailOf = (index: number) => bed.upstreamProfile(index).email;
/** The values this story sets; any other value a change brings is shown as the user's email it was, or `upstream`. */
const storyValues = new Set([
  'Renamed',
  'one.new@contoso.example',
  'HOLDER@local.example',
  'Partial',
  'Second',
  'Dry',
  'Kept',
]);
let seededMails: string[];

beforeAll(async () => {
  bed = await startSyncTestbed();
  ids = await bed.importUsers(Array.from({ length: 30 }, (_, index) => ({ index, position: index + 1 })));
  seededMails = ids.map((_, index) => mailOf(index));
  bed.sim.tenant().configure({ maxDeltaPageSize: 10 });
  await client.setPolicy({ upstreamDeletion: 'deactivate' });
});
afterAll(() => bed.close());
afterEach(() => bed.sim.clearFaults());

/** A run as its counts, progress, items (by the users' indexes) and the users that differ from Azure AD. */
async function outcomesOf(run: {
  id: string;
  status: string;
  counts: Record<string, number>;
  progress: { processed: number; total: number };
}) {
  const indexOf = (userId: string | undefined) => (userId ? ids.indexOf(userId) : -1);
  const response = await bed.t.http
    .get(`/api/sync/runs/${run.id}/items`)
    .query({ limit: 500 })
    .set('cookie', bed.t.adminCookie)
    .expect(200);
  const items = (
    response.body.items as Array<{
      userId: string;
      outcome: string;
      action: string | null;
      applied: boolean;
      changes: Array<{ field: string; after: unknown }>;
      duplicateOf: { userId: string; field: string } | null;
    }>
  )
    .map((item) =>
      [
        indexOf(item.userId),
        item.outcome,
        item.action ?? '-',
        item.applied ? 'applied' : 'reported',
        item.changes.map((change) => `${change.field}=${shown(change.after)}`).join(',') || '-',
        item.duplicateOf ? `${item.duplicateOf.field} of ${indexOf(item.duplicateOf.userId)}` : '-',
      ].join(' '),
    )
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b));
  const differing: string[] = [];
  for (const [index, id] of ids.entries()) {
    const row = await bed.t.app.db('users').where({ id }).first();
    const upstream = bed.sim.tenant().user(upstreamId(index));
    if (!row) differing.push(`${index} gone`);
    else if (upstream?.state !== 'live') differing.push(`${index} ${row.is_active ? 'active' : 'inactive'}`);
    else if (
      JSON.stringify(profileColumns(profileOf(row))) !==
      JSON.stringify(profileColumns(bed.upstreamProfile(index)))
    )
      differing.push(`${index} stale`);
  }
  return { status: run.status, counts: run.counts, progress: run.progress, items, differing };
}

function shown(value: unknown): string {
  if (typeof value !== 'string' || storyValues.has(value) || /^First \d+$/.test(value)) return String(value);
  const seeded = seededMails.indexOf(value);
  return seeded >= 0 ? `mail of ${seeded}` : 'upstream';
}

describe('the decisions of whole-directory runs', () => {
  it('full pass: renames, exchanges, duplicates, removals, a disabled account, admins and stale rows', async () => {
    const tenant = bed.sim.tenant();
    await insertUser(bed.t.app.db, {
      username: 'holder.local',
      firstName: 'Local',
      lastName: 'Holder',
      email: 'holder@local.example',
      contactNumber: null,
      isActive: true,
      source: 'local',
    });
    const [mail2, mail3, mail5, mail12] = [mailOf(2), mailOf(3), mailOf(5), mailOf(12)];
    tenant.updateUser(upstreamId(0), { surname: 'Renamed' });
    tenant.updateUser(upstreamId(1), { mail: 'one.new@contoso.example' });
    tenant.updateUser(upstreamId(2), { mail: 'swap.parked@contoso.example' });
    tenant.updateUser(upstreamId(3), { mail: mail2 });
    tenant.updateUser(upstreamId(2), { mail: mail3 });
    tenant.updateUser(upstreamId(5), { mail: 'swap.parked@contoso.example' });
    tenant.updateUser(upstreamId(12), { mail: mail5 });
    tenant.updateUser(upstreamId(5), { mail: mail12 });
    tenant.updateUser(upstreamId(4), { mail: 'HOLDER@local.example' });
    tenant.updateUser(upstreamId(6), { mail: mailOf(7) });
    tenant.softDeleteUser(upstreamId(8));
    tenant.hardDeleteUser(upstreamId(9));
    tenant.updateUser(upstreamId(10), { accountEnabled: false });
    await bed.t.app.db('users').where({ id: ids[11] }).update({ is_active: false });
    await bed.t.app.db('users').where({ id: ids[13] }).update({ last_name: 'Stale' });

    const run = await client.syncWholeDirectory({ fullPass: true });

    expect(await outcomesOf(run)).toEqual(expected.fullPass);
  });

  it('incremental pass: a restore, updates that carry only what changed, a removal', async () => {
    const tenant = bed.sim.tenant();
    tenant.configure({ partialDeltaUpdates: true });
    tenant.restoreUser(upstreamId(8));
    tenant.updateUser(upstreamId(14), { surname: 'Partial' });
    tenant.updateUser(upstreamId(15), { jobTitle: 'Not synchronized' });
    tenant.softDeleteUser(upstreamId(16));

    const run = await client.syncWholeDirectory();

    expect(await outcomesOf(run)).toEqual(expected.partialUpdates);
    tenant.configure({ partialDeltaUpdates: false });
  });

  it('incremental pass: replays and a removal while the round is read', async () => {
    const tenant = bed.sim.tenant();
    for (const index of [0, 1, 15, 17, 18, 19, 20, 21, 22, 23, 24])
      tenant.updateUser(upstreamId(index), { surname: `First ${index}` });

    const runId = await startRoundPausedAfterFirstPage(bed);
    tenant.updateUser(upstreamId(14), { surname: 'Second' });
    tenant.softDeleteUser(upstreamId(17));
    // Served again as it was: no news.
    tenant.updateUser(upstreamId(18), { surname: 'First 18' });
    const run = await runUntilEnd(bed, runId);

    expect(await outcomesOf(run)).toEqual(expected.replays);
  });

  it('full pass under the delete policy: a dry run, then the run, then one keeping unchanged items', async () => {
    const tenant = bed.sim.tenant();
    await client.setPolicy({ upstreamDeletion: 'delete' });
    tenant.updateUser(upstreamId(25), { surname: 'Dry' });
    tenant.updateUser(upstreamId(26), { mail: mailOf(27) });
    tenant.hardDeleteUser(upstreamId(28));
    tenant.updateUser(upstreamId(10), { accountEnabled: true });

    const dry = await client.syncWholeDirectory({ fullPass: true, dryRun: true });
    expect(await outcomesOf(dry)).toEqual(expected.dryRun);

    const real = await client.syncWholeDirectory({ fullPass: true });
    expect(await outcomesOf(real)).toEqual(expected.deletePolicy);

    await client.setPolicy({ keepUnchangedItems: true });
    tenant.updateUser(upstreamId(29), { givenName: 'Kept' });
    const kept = await client.syncWholeDirectory({ fullPass: true });
    expect(await outcomesOf(kept)).toEqual(expected.keptItems);
  });
});

/** Recorded from the per-chunk delta pass (the code before the set-based round). */
const expected = {
  fullPass: {
    status: 'succeeded',
    counts: {
      modified: 8,
      deleted: 2,
      duplicated: 2,
      unchanged: 18,
      failed: 0,
    },
    progress: {
      processed: 30,
      total: 30,
    },
    items: [
      '0 modified - applied lastName=Renamed -',
      '1 modified - applied email=one.new@contoso.example -',
      '2 modified - applied email=mail of 3 -',
      '3 modified - applied email=mail of 2 -',
      '4 duplicated - applied email=HOLDER@local.example email of -1',
      '5 modified - applied email=mail of 12 -',
      '6 duplicated - applied email=mail of 7 email of 7',
      '8 deleted deactivated applied - -',
      '9 deleted deactivated applied - -',
      '10 modified - applied isActive=false -',
      '12 modified - applied email=mail of 5 -',
      '13 modified - applied lastName=upstream -',
    ],
    differing: ['4 stale', '6 stale', '8 inactive', '9 inactive'],
  },
  partialUpdates: {
    status: 'succeeded',
    counts: { modified: 2, deleted: 1, duplicated: 0, unchanged: 1, failed: 0 },
    progress: { processed: 4, total: 4 },
    items: [
      '8 modified - applied isActive=true -',
      '14 modified - applied lastName=Partial -',
      '16 deleted deactivated applied - -',
    ],
    differing: ['4 stale', '6 stale', '9 inactive', '16 inactive'],
  },
  replays: {
    status: 'succeeded',
    counts: { modified: 12, deleted: 1, duplicated: 0, unchanged: 0, failed: 0 },
    progress: { processed: 13, total: 13 },
    items: [
      '0 modified - applied lastName=First 0 -',
      '1 modified - applied lastName=First 1 -',
      '14 modified - applied lastName=Second -',
      '15 modified - applied lastName=First 15 -',
      '17 deleted deactivated applied - -',
      '17 modified - applied lastName=First 17 -',
      '18 modified - applied lastName=First 18 -',
      '19 modified - applied lastName=First 19 -',
      '20 modified - applied lastName=First 20 -',
      '21 modified - applied lastName=First 21 -',
      '22 modified - applied lastName=First 22 -',
      '23 modified - applied lastName=First 23 -',
      '24 modified - applied lastName=First 24 -',
    ],
    differing: ['4 stale', '6 stale', '9 inactive', '16 inactive', '17 inactive'],
  },
  dryRun: deletePolicyPass('reported', [
    '4 stale',
    '6 stale',
    '9 inactive',
    '16 inactive',
    '17 inactive',
    '25 stale',
    '26 stale',
    '28 active',
  ]),
  deletePolicy: deletePolicyPass('applied', [
    '4 stale',
    '6 stale',
    '9 gone',
    '16 gone',
    '17 gone',
    '26 stale',
    '28 gone',
  ]),
  keptItems: {
    status: 'succeeded',
    counts: {
      modified: 1,
      deleted: 0,
      duplicated: 3,
      unchanged: 22,
      failed: 0,
    },
    progress: {
      processed: 26,
      total: 26,
    },
    items: [
      '0 unchanged - applied - -',
      '1 unchanged - applied - -',
      '2 unchanged - applied - -',
      '3 unchanged - applied - -',
      '4 duplicated - applied email=HOLDER@local.example email of -1',
      '5 unchanged - applied - -',
      '6 duplicated - applied email=mail of 7 email of 7',
      '7 unchanged - applied - -',
      '8 unchanged - applied - -',
      '10 unchanged - applied - -',
      '11 unchanged - applied - -',
      '12 unchanged - applied - -',
      '13 unchanged - applied - -',
      '14 unchanged - applied - -',
      '15 unchanged - applied - -',
      '18 unchanged - applied - -',
      '19 unchanged - applied - -',
      '20 unchanged - applied - -',
      '21 unchanged - applied - -',
      '22 unchanged - applied - -',
      '23 unchanged - applied - -',
      '24 unchanged - applied - -',
      '25 unchanged - applied - -',
      '26 duplicated - applied email=mail of 27 email of 27',
      '27 unchanged - applied - -',
      '29 modified - applied firstName=Kept -',
    ],
    differing: ['4 stale', '6 stale', '9 gone', '16 gone', '17 gone', '26 stale', '28 gone'],
  },
};

/** The full pass under the delete policy: as its dry run reports it, or as the run applies it. */
function deletePolicyPass(applied: 'reported' | 'applied', differing: string[]) {
  return {
    status: 'succeeded',
    counts: { modified: 2, deleted: 4, duplicated: 3, unchanged: 21, failed: 0 },
    progress: { processed: 30, total: 30 },
    items: [
      `4 duplicated - ${applied} email=HOLDER@local.example email of -1`,
      `6 duplicated - ${applied} email=mail of 7 email of 7`,
      `9 deleted deleted ${applied} - -`,
      `10 modified - ${applied} isActive=true -`,
      `16 deleted deleted ${applied} - -`,
      `17 deleted deleted ${applied} - -`,
      `25 modified - ${applied} lastName=Dry -`,
      `26 duplicated - ${applied} email=mail of 27 email of 27`,
      `28 deleted deleted ${applied} - -`,
    ],
    differing,
  };
}
