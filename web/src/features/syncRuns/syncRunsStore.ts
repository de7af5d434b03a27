import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { SyncOutcome, SyncRun, SyncRunItemPage } from '@/api/schemas';
import { useCursorTrail } from '@/shell/cursorTrail';
import { useListLoad } from '@/shell/useListLoad';

const RUNS_PER_PAGE = 20;

/** Past runs, newest first, and the items of any one run. */
export const useSyncRunsStore = defineStore('syncRuns', () => {
  const runs = ref<SyncRun[]>([]);
  const { loading, failure, loadedAt, track } = useListLoad();
  const trail = useCursorTrail();

  async function loadRuns(): Promise<void> {
    const page = await track(() =>
      call(
        api.GET('/api/sync/runs', {
          params: { query: { limit: RUNS_PER_PAGE, cursor: trail.cursor.value } },
        }),
      ),
    );
    runs.value = page.items;
    trail.nextCursor.value = page.nextCursor;
  }

  function firstPage(): Promise<void> {
    trail.restart();
    return loadRuns();
  }

  function nextPage(): Promise<void> {
    return trail.forward() ? loadRuns() : Promise.resolve();
  }

  function previousPage(): Promise<void> {
    return trail.back() ? loadRuns() : Promise.resolve();
  }

  function fetchRun(id: string): Promise<SyncRun> {
    return call(api.GET('/api/sync/runs/{id}', { params: { path: { id } } }));
  }

  function fetchItems(
    runId: string,
    options: { outcome?: SyncOutcome; cursor?: string; limit?: number },
  ): Promise<SyncRunItemPage> {
    return call(
      api.GET('/api/sync/runs/{id}/items', {
        params: {
          path: { id: runId },
          query: {
            outcome: options.outcome ? [options.outcome] : undefined,
            cursor: options.cursor,
            limit: options.limit ?? 50,
          },
        },
      }),
    );
  }

  return {
    runs,
    loading,
    failure,
    loadedAt,
    pageIndex: trail.pageIndex,
    nextCursor: trail.nextCursor,
    loadRuns,
    firstPage,
    nextPage,
    previousPage,
    fetchRun,
    fetchItems,
  };
});
