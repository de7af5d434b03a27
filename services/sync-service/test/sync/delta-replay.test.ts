import { deltaClient, startRoundPausedAfterFirstPage } from './delta-client';
import { runUntilEnd, type SyncTestbed, startSyncTestbed } from './sync-testbed';

/**
 * Graph may serve a user twice in one delta round: once as it was, again after it changed while the round's
 * pages were being followed. The round's deltaLink does not report that change again, so the round applies
 * the replay too; and a user removed after it was judged is still deleted.
 */
let bed: SyncTestbed;
let ids: string[];
const client = deltaClient(() => bed);
const upstreamId = (index: number) => bed.sim.tenant().userId(index);
const emailOf = async (index: number) =>
  (await bed.t.app.db('users').where({ id: ids[index] }).first()).email as string;

beforeAll(async () => {
  bed = await startSyncTestbed();
  ids = await bed.importUsers(Array.from({ length: 12 }, (_, index) => ({ index, position: index + 1 })));
  expect(await client.syncWholeDirectory()).toMatchObject({ status: 'succeeded' });
});
afterAll(() => bed.close());
afterEach(() => bed.sim.clearFaults());

describe('a delta round in which Graph replays users', () => {
  it('applies the newer state a replay carries, and deletes a user removed after it was judged', async () => {
    const tenant = bed.sim.tenant();
    tenant.configure({ maxDeltaPageSize: 5 });
    for (let index = 0; index < 12; index += 1)
      tenant.updateUser(upstreamId(index), { surname: `First ${index}` });
    const runId = await startRoundPausedAfterFirstPage(bed);
    tenant.updateUser(upstreamId(0), { surname: 'Second' });
    tenant.softDeleteUser(upstreamId(1));
    // Served again as it was (as Graph does when a property the service does not read changed): no news.
    tenant.updateUser(upstreamId(2), { surname: 'First 2' });

    const run = await runUntilEnd(bed, runId);

    const items = await client.items(run.id);
    // Twelve users read and modified, one of them again from its replay, one deleted afterwards; the
    // replay that brought nothing new is not counted again.
    expect(run).toMatchObject({
      status: 'succeeded',
      counts: { modified: 13, deleted: 1, unchanged: 0, failed: 0 },
      progress: { processed: 14, total: 14 },
    });
    expect(items).toHaveLength(14);
    expect(items.filter((item) => item.userId === ids[0])).toEqual([
      expect.objectContaining({
        outcome: 'modified',
        changes: [expect.objectContaining({ field: 'lastName', after: 'First 0' })],
      }),
      expect.objectContaining({
        outcome: 'modified',
        changes: [{ field: 'lastName', before: 'First 0', after: 'Second' }],
      }),
    ]);
    expect(await bed.t.app.db('users').where({ id: ids[0] }).first()).toMatchObject({ last_name: 'Second' });
    // Modified when its page was read, deleted when the replay announced its removal: both happened.
    expect(items.filter((item) => item.userId === ids[1])).toEqual([
      expect.objectContaining({ outcome: 'modified', applied: true }),
      expect.objectContaining({ outcome: 'deleted', action: 'deleted', applied: true }),
    ]);
    expect(await bed.t.app.db('users').where({ id: ids[1] }).first()).toBeUndefined();

    // Nothing was left for the next round.
    const next = await client.syncWholeDirectory();
    expect(next).toMatchObject({ status: 'succeeded', counts: { modified: 0, deleted: 0 } });
  });

  it('judges a deferred collision on the newest state a replay carries', async () => {
    const tenant = bed.sim.tenant();
    const [heldBy4, heldBy11] = [await emailOf(4), await emailOf(11)];
    // Users 3 and 10 ask for emails other imported users hold: both deferred until the round is read.
    tenant.updateUser(upstreamId(3), { mail: heldBy4 });
    tenant.updateUser(upstreamId(10), { mail: heldBy11 });
    for (const index of [5, 6, 7, 8, 9]) tenant.updateUser(upstreamId(index), { surname: `Third ${index}` });
    const runId = await startRoundPausedAfterFirstPage(bed);
    tenant.updateUser(upstreamId(3), { surname: 'Replayed' });
    tenant.updateUser(upstreamId(10), { mail: 'ten.unique@contoso.example' });

    const run = await runUntilEnd(bed, runId);

    expect(run).toMatchObject({
      status: 'succeeded',
      counts: { modified: 6, duplicated: 1, deleted: 0, failed: 0 },
      progress: { processed: 7, total: 7 },
    });
    const items = await client.items(run.id);
    expect(items).toHaveLength(7);
    // Still colliding after its replay: one `duplicated`, judged on the replay's state, and nothing applied.
    expect(items.filter((item) => item.userId === ids[3])).toEqual([
      expect.objectContaining({
        outcome: 'duplicated',
        changes: expect.arrayContaining([expect.objectContaining({ field: 'lastName', after: 'Replayed' })]),
      }),
    ]);
    expect(await emailOf(3)).not.toBe(heldBy4);
    // No longer colliding after its replay: modified once, and the deferred, older state never applied.
    expect(items.filter((item) => item.userId === ids[10])).toEqual([
      expect.objectContaining({
        outcome: 'modified',
        changes: [expect.objectContaining({ field: 'email', after: 'ten.unique@contoso.example' })],
      }),
    ]);
    expect([await emailOf(10), await emailOf(11)]).toEqual(['ten.unique@contoso.example', heldBy11]);
  });

  it('judges a replay of a dry run against the keys the run planned, though the stored row holds them', async () => {
    const tenant = bed.sim.tenant();
    const heldBy6 = await emailOf(6);
    // User 6 gives its email up and user 7 takes it; then a replay asks for it back for 6. The real run has
    // written both before the replay, which finds 7 holding the email. A dry run writes nothing: 6's stored row
    // still holds the email, and only the keys the run planned show 7 on it.
    tenant.updateUser(upstreamId(6), { mail: 'six.moved@contoso.example' });
    tenant.updateUser(upstreamId(7), { mail: heldBy6 });
    // Five more changes: the round needs a second page to pause before.
    for (const index of [0, 2, 8, 9, 11])
      tenant.updateUser(upstreamId(index), { surname: `Fourth ${index}` });
    const runId = await startRoundPausedAfterFirstPage(bed, { dryRun: true });
    tenant.updateUser(upstreamId(6), { mail: heldBy6, surname: 'Back' });

    const run = await runUntilEnd(bed, runId);

    expect(run).toMatchObject({ status: 'succeeded', dryRun: true });
    const items = await client.items(run.id);
    expect(items.filter((item) => item.userId === ids[6])).toEqual([
      expect.objectContaining({
        outcome: 'modified',
        changes: [expect.objectContaining({ field: 'email', after: 'six.moved@contoso.example' })],
      }),
      expect.objectContaining({
        outcome: 'duplicated',
        duplicateOf: expect.objectContaining({ userId: ids[7] }),
      }),
    ]);
    expect(items.filter((item) => item.userId === ids[7])).toEqual([
      expect.objectContaining({
        outcome: 'modified',
        changes: [expect.objectContaining({ after: heldBy6 })],
      }),
    ]);
    expect([await emailOf(6), await emailOf(7)]).not.toContain('six.moved@contoso.example');
  });
});
