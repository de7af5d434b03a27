import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, problem } from '@/test-support/fakeApi';
import { FakeEventSource } from '@/test-support/fakeEventSource';
import { aRun } from '@/test-support/runs';
import { useSyncStore } from './syncStore';

const RUNNING_ID = '33333333-3333-4333-8333-333333333333';

describe('useSyncStore', () => {
  let server: ReturnType<typeof fakeApi>;

  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
    FakeEventSource.install();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('starts a run, follows its progress events and shows the final run', async () => {
    server.on('POST', '/api/sync', { status: 202, body: aRun() });
    const sync = useSyncStore();

    const outcome = await sync.start({ userIds: ['u1'] }, true);
    expect(outcome.alreadyRunning).toBe(false);
    expect(server.requests[0].body).toEqual({
      selection: { userIds: ['u1'] },
      dryRun: true,
      confirmDeletions: false,
    });

    const stream = FakeEventSource.latest();
    expect(stream.url).toBe(`/api/sync/runs/${aRun().id}/events`);
    stream.emit('progress', aRun({ progress: { processed: 2, total: 5 } }));
    expect(sync.progressPercent).toBe(40);

    const finished = aRun({
      status: 'succeeded',
      counts: { modified: 1, deleted: 1, duplicated: 1, unchanged: 2, failed: 0 },
    });
    stream.emit('end', finished);
    expect(stream.closed).toBe(true);
    expect(sync.activeRun).toBeNull();
    expect(sync.finishedRun).toEqual(finished);
  });

  it('on 409 sync_already_running follows the run that is running instead', async () => {
    server.on(
      'POST',
      '/api/sync',
      problem(409, 'sync_already_running', 'A sync is running', { runningRunId: RUNNING_ID }),
    );
    server.on('GET', `/api/sync/runs/${RUNNING_ID}`, { status: 200, body: aRun({ id: RUNNING_ID }) });
    const sync = useSyncStore();

    const outcome = await sync.start({ allMatching: { search: '' } }, false);
    expect(outcome).toMatchObject({ alreadyRunning: true, run: { id: RUNNING_ID } });
    expect(sync.activeRun?.id).toBe(RUNNING_ID);
    expect(FakeEventSource.latest().url).toContain(RUNNING_ID);
  });

  it('rethrows other refusals', async () => {
    server.on('POST', '/api/sync', problem(409, 'not_configured', 'Azure AD is not configured'));
    await expect(useSyncStore().start({ userIds: ['u1'] }, false)).rejects.toThrow(
      'Azure AD is not configured.',
    );
  });

  it('picks up the running run after a reload', async () => {
    server.on('GET', '/api/sync', { status: 200, body: { running: aRun({ id: RUNNING_ID }), last: null } });
    const sync = useSyncStore();
    await sync.resume();
    expect(sync.activeRun?.id).toBe(RUNNING_ID);
    expect(FakeEventSource.latest().url).toContain(RUNNING_ID);
  });

  it('when the stream is lost, asks for the run and shows its end', async () => {
    server.on('POST', '/api/sync', { status: 202, body: aRun() });
    server.on('GET', `/api/sync/runs/${aRun().id}`, { status: 200, body: aRun({ status: 'blocked' }) });
    const sync = useSyncStore();
    await sync.start({ userIds: ['u1'] }, false);

    FakeEventSource.latest().fail();
    await vi.waitFor(() => expect(sync.finishedRun?.status).toBe('blocked'));
    expect(sync.activeRun).toBeNull();
  });

  it('when the stream is lost while the run goes on, reconnects', async () => {
    vi.useFakeTimers();
    server.on('POST', '/api/sync', { status: 202, body: aRun() });
    server.on('GET', `/api/sync/runs/${aRun().id}`, {
      status: 200,
      body: aRun({ progress: { processed: 3, total: 5 } }),
    });
    const sync = useSyncStore();
    await sync.start({ userIds: ['u1'] }, false);

    FakeEventSource.latest().fail();
    await vi.waitFor(() => expect(sync.activeRun?.progress.processed).toBe(3));
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('confirms a blocked run and follows the confirming run', async () => {
    const blockedId = '44444444-4444-4444-8444-444444444444';
    server.on('POST', `/api/sync/runs/${blockedId}/confirm`, {
      status: 202,
      body: aRun({ confirmDeletions: true, confirmedRunId: blockedId }),
    });
    const sync = useSyncStore();
    sync.follow(aRun({ id: blockedId, status: 'blocked' }));
    expect(sync.finishedRun?.status).toBe('blocked');

    await sync.confirmDeletions(blockedId);
    expect(sync.finishedRun).toBeNull();
    expect(sync.activeRun?.confirmedRunId).toBe(blockedId);
  });
});
