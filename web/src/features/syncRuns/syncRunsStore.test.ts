import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '@/test-support/fakeApi';
import { aRun } from '@/test-support/runs';
import { isFiltering, itemsCsvUrl, noHistoryFilter, useSyncRunsStore } from './syncRunsStore';

const RUN_ID = '22222222-2222-4222-8222-222222222222';

describe('useSyncRunsStore', () => {
  let server: ReturnType<typeof fakeApi>;

  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the history with its filters and starts again from the newest run when they change', async () => {
    server.on('GET', '/api/sync/runs', { status: 200, body: { items: [aRun()], nextCursor: 'next' } });
    const syncRuns = useSyncRunsStore();
    await syncRuns.history.firstPage();
    await syncRuns.history.nextPage();
    expect(server.requests[1].query.get('cursor')).toBe('next');

    await syncRuns.filterHistory({
      ...noHistoryFilter(),
      statuses: ['failed', 'partial'],
      triggers: ['scheduled'],
      from: '2026-11-01T00:00:00.000Z',
      requestedBy: '  admin ',
    });
    const filtered = server.requests[2].query;
    expect(filtered.getAll('status')).toEqual(['failed', 'partial']);
    expect(filtered.getAll('trigger')).toEqual(['scheduled']);
    expect(filtered.get('from')).toBe('2026-11-01T00:00:00.000Z');
    expect(filtered.has('to')).toBe(false);
    expect(filtered.get('requestedBy')).toBe('admin');
    expect(filtered.has('cursor')).toBe(false);
    expect(syncRuns.history.pageIndex).toBe(0);
  });

  it('lists items by outcomes and search, leaving an empty search out', async () => {
    server.on('GET', `/api/sync/runs/${RUN_ID}/items`, {
      status: 200,
      body: { items: [], nextCursor: null },
    });
    const syncRuns = useSyncRunsStore();
    await syncRuns.fetchItems(RUN_ID, { outcomes: ['failed', 'duplicated'], search: ' ada ' });
    await syncRuns.fetchItems(RUN_ID, { outcomes: ['failed'], search: '  ' });
    expect(server.requests[0].query.getAll('outcome')).toEqual(['failed', 'duplicated']);
    expect(server.requests[0].query.get('search')).toBe('ada');
    expect(server.requests[1].query.has('search')).toBe(false);
  });

  it('lists group items by outcome and name search, leaving an empty search out', async () => {
    server.on('GET', `/api/sync/runs/${RUN_ID}/group-items`, {
      status: 200,
      body: { items: [], nextCursor: null },
    });
    const syncRuns = useSyncRunsStore();
    await syncRuns.fetchGroupItems(RUN_ID, { outcome: 'modified', search: ' finance ' });
    await syncRuns.fetchGroupItems(RUN_ID, { outcome: 'failed', search: ' ' });
    expect(server.requests[0].query.getAll('outcome')).toEqual(['modified']);
    expect(server.requests[0].query.get('search')).toBe('finance');
    expect(server.requests[1].query.getAll('outcome')).toEqual(['failed']);
    expect(server.requests[1].query.has('search')).toBe(false);
  });

  it('links the CSV download with the same filters', () => {
    expect(itemsCsvUrl(RUN_ID)).toBe(`/api/sync/runs/${RUN_ID}/items.csv`);
    expect(itemsCsvUrl(RUN_ID, { outcomes: ['failed', 'duplicated'], search: 'a&b' })).toBe(
      `/api/sync/runs/${RUN_ID}/items.csv?outcome=failed&outcome=duplicated&search=a%26b`,
    );
  });

  it("re-runs a run's failed and duplicated users as one request", async () => {
    server.on('POST', '/api/sync', {
      status: 202,
      body: aRun({ id: '44444444-4444-4444-8444-444444444444' }),
    });
    const run = await useSyncRunsStore().rerunFailedAndDuplicated(RUN_ID);
    expect(run.id).toBe('44444444-4444-4444-8444-444444444444');
    expect(server.requests[0].body).toEqual({
      selection: { fromRun: { runId: RUN_ID, outcomes: ['failed', 'duplicated'] } },
      dryRun: false,
      confirmDeletions: false,
    });
  });

  it('tells a filtered history from an unfiltered one, blanks in the requester included', () => {
    expect(isFiltering(noHistoryFilter())).toBe(false);
    expect(isFiltering({ ...noHistoryFilter(), requestedBy: '   ' })).toBe(false);
    expect(isFiltering({ ...noHistoryFilter(), requestedBy: 'admin' })).toBe(true);
    expect(isFiltering({ ...noHistoryFilter(), statuses: ['failed'] })).toBe(true);
    expect(isFiltering({ ...noHistoryFilter(), triggers: ['scheduled'] })).toBe(true);
    expect(isFiltering({ ...noHistoryFilter(), from: '2026-11-01T00:00:00.000Z' })).toBe(true);
    expect(isFiltering({ ...noHistoryFilter(), to: '2026-11-02T00:00:00.000Z' })).toBe(true);
  });
});
