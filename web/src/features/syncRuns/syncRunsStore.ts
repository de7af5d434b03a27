import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type {
  SyncOutcome,
  SyncRun,
  SyncRunGroupItemPage,
  SyncRunItemPage,
  SyncRunStatus,
} from '@/api/schemas';
import { usePagedList } from '@/shell/usePagedList';

const RUNS_PER_PAGE = 20;

/** What the run history is narrowed to; empty fields do not filter. */
export interface RunHistoryFilter {
  statuses: SyncRunStatus[];
  triggers: Array<SyncRun['trigger']>;
  /** ISO instants: created at or after `from`, before `to`. */
  from: string | null;
  to: string | null;
  requestedBy: string;
}

export const noHistoryFilter = (): RunHistoryFilter => ({
  statuses: [],
  triggers: [],
  from: null,
  to: null,
  requestedBy: '',
});

/** Whether `filter` leaves any run out. */
export function isFiltering(filter: RunHistoryFilter): boolean {
  const { statuses, triggers, from, to, requestedBy } = filter;
  return (
    statuses.length > 0 || triggers.length > 0 || from !== null || to !== null || requestedBy.trim() !== ''
  );
}

export interface ItemFilter {
  outcomes?: SyncOutcome[];
  search?: string;
}

function itemQuery(filter: ItemFilter) {
  const search = filter.search?.trim();
  return {
    ...(filter.outcomes?.length ? { outcome: filter.outcomes } : {}),
    ...(search ? { search } : {}),
  };
}

/** The CSV download of a run's items under the same filters: a plain link, so the browser streams it. */
export function itemsCsvUrl(runId: string, filter: ItemFilter = {}): string {
  const params = new URLSearchParams();
  const query = itemQuery(filter);
  for (const outcome of query.outcome ?? []) params.append('outcome', outcome);
  if (query.search) params.set('search', query.search);
  const text = params.toString();
  return `/api/sync/runs/${runId}/items.csv${text ? `?${text}` : ''}`;
}

/** Past runs, newest first, and the items of any one run. */
export const useSyncRunsStore = defineStore('syncRuns', () => {
  const historyFilter = ref<RunHistoryFilter>(noHistoryFilter());
  const history = usePagedList<SyncRun>(
    (cursor) => {
      const { statuses, triggers, from, to, requestedBy } = historyFilter.value;
      const who = requestedBy.trim();
      const query = {
        limit: RUNS_PER_PAGE,
        cursor,
        ...(statuses.length ? { status: statuses } : {}),
        ...(triggers.length ? { trigger: triggers } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(who ? { requestedBy: who } : {}),
      };
      return call(api.GET('/api/sync/runs', { params: { query } }));
    },
    () => RUNS_PER_PAGE,
  );

  /** A new filter starts again from the newest run: a cursor belongs to the filter it was given with. */
  function filterHistory(filter: RunHistoryFilter): Promise<void> {
    historyFilter.value = filter;
    return history.firstPage();
  }

  function fetchRun(id: string): Promise<SyncRun> {
    return call(api.GET('/api/sync/runs/{id}', { params: { path: { id } } }));
  }

  function fetchItems(
    runId: string,
    options: ItemFilter & { cursor?: string; limit?: number },
  ): Promise<SyncRunItemPage> {
    return call(
      api.GET('/api/sync/runs/{id}/items', {
        params: {
          path: { id: runId },
          query: { ...itemQuery(options), cursor: options.cursor, limit: options.limit ?? 50 },
        },
      }),
    );
  }

  /** A run of groups' group items with the given outcome, of groups whose name contains `search`. */
  function fetchGroupItems(
    runId: string,
    options: { outcome: SyncOutcome; search?: string; cursor?: string; limit?: number },
  ): Promise<SyncRunGroupItemPage> {
    return call(
      api.GET('/api/sync/runs/{id}/group-items', {
        params: {
          path: { id: runId },
          query: {
            ...itemQuery({ outcomes: [options.outcome], search: options.search }),
            cursor: options.cursor,
            limit: options.limit ?? 50,
          },
        },
      }),
    );
  }

  /** Starts a run of the users this run failed or found duplicated. */
  function rerunFailedAndDuplicated(runId: string): Promise<SyncRun> {
    return call(
      api.POST('/api/sync', {
        body: {
          selection: { fromRun: { runId, outcomes: ['failed', 'duplicated'] } },
          dryRun: false,
          confirmDeletions: false,
        },
      }),
    );
  }

  return {
    history,
    historyFilter,
    filterHistory,
    fetchRun,
    fetchItems,
    fetchGroupItems,
    rerunFailedAndDuplicated,
  };
});
