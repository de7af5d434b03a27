import { Writable } from 'node:stream';
import { type SyncTestbed, startSyncTestbed } from './sync-testbed';

let bed: SyncTestbed;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  bed = await startSyncTestbed({}, 50, { logger: { level: 'info', stream } });
});
afterAll(() => bed.close());

describe('the service log', () => {
  it('lets an operator follow one run: every line about it carries its id, from start to end', async () => {
    const userIds = await bed.importUsers([0, 1, 2].map((index) => ({ index, position: index })));
    bed.sim.tenant().updateUser(bed.sim.tenant().userId(1), { surname: 'Renamed' });
    const started = await bed.t.http
      .post('/api/sync')
      .set('cookie', bed.t.adminCookie)
      .set('prefer', 'wait=30')
      .send({ selection: { userIds } })
      .expect(200);
    const runLines = logLines.filter((line) => line.runId === started.body.id);
    expect(runLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['sync run started', 'sync run ended']),
    );
    expect(runLines.find((line) => line.msg === 'sync run ended')).toMatchObject({
      status: 'succeeded',
      modified: 1,
      unchanged: 2,
      durationMs: expect.any(Number),
    });
  });
});
