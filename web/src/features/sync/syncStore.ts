import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import { ApiError } from '@/api/problem';
import type { SyncRun, SyncSelection } from '@/api/schemas';
import { watchRun } from './runEvents';

const RECONNECT_DELAY_MS = 2000;

export function isRunActive(run: SyncRun): boolean {
  return run.status === 'queued' || run.status === 'running';
}

export interface StartOutcome {
  run: SyncRun;
  /** Another run was already going: this is that run, now followed instead of a new one. */
  alreadyRunning: boolean;
}

/** The run in progress (followed live) and the run that just ended (shown in the result dialog). */
export const useSyncStore = defineStore('sync', () => {
  const activeRun = ref<SyncRun | null>(null);
  const finishedRun = ref<SyncRun | null>(null);
  /** Why following the active run stopped working, when it did. */
  const followError = ref<unknown>(null);
  let stopWatching: (() => void) | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  const progressPercent = computed(() => {
    const progress = activeRun.value?.progress;
    if (!progress || progress.total === 0) return 0;
    return Math.min(100, Math.round((progress.processed / progress.total) * 100));
  });

  /** On load: pick up a run that was started before (in this tab before a reload, or elsewhere). */
  async function resume(): Promise<void> {
    const status = await call(api.GET('/api/sync'));
    if (status.running) follow(status.running);
  }

  async function start(selection: SyncSelection, dryRun: boolean): Promise<StartOutcome> {
    return startOrFollowRunning(() =>
      call(api.POST('/api/sync', { body: { selection, dryRun, confirmDeletions: false } })),
    );
  }

  async function confirmDeletions(blockedRunId: string): Promise<StartOutcome> {
    return startOrFollowRunning(() =>
      call(api.POST('/api/sync/runs/{id}/confirm', { params: { path: { id: blockedRunId } } })),
    );
  }

  async function startOrFollowRunning(request: () => Promise<SyncRun>): Promise<StartOutcome> {
    try {
      const run = await request();
      finishedRun.value = null;
      follow(run);
      return { run, alreadyRunning: false };
    } catch (error) {
      const runningRunId = error instanceof ApiError ? error.problem.runningRunId : undefined;
      if (!(error instanceof ApiError && error.code === 'sync_already_running' && runningRunId)) throw error;
      const running = await fetchRun(runningRunId);
      follow(running);
      return { run: running, alreadyRunning: true };
    }
  }

  function follow(run: SyncRun): void {
    stopFollowing();
    followError.value = null;
    if (!isRunActive(run)) {
      end(run);
      return;
    }
    activeRun.value = run;
    stopWatching = watchRun(run.id, {
      onProgress: (update) => {
        activeRun.value = update;
      },
      onEnd: end,
      onLost: () => void recover(run.id),
    });
  }

  // The stream closed without `end`: ask for the run itself (a 401 here signs the administrator out),
  // then either show its end or try the stream again.
  async function recover(runId: string): Promise<void> {
    stopFollowing();
    try {
      const run = await fetchRun(runId);
      if (!isRunActive(run)) {
        end(run);
        return;
      }
      activeRun.value = run;
      reconnectTimer = setTimeout(() => follow(run), RECONNECT_DELAY_MS);
    } catch (error) {
      followError.value = error;
    }
  }

  function end(run: SyncRun): void {
    stopFollowing();
    activeRun.value = null;
    finishedRun.value = run;
  }

  function stopFollowing(): void {
    stopWatching?.();
    stopWatching = null;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
  }

  function dismissResult(): void {
    finishedRun.value = null;
  }

  function fetchRun(id: string): Promise<SyncRun> {
    return call(api.GET('/api/sync/runs/{id}', { params: { path: { id } } }));
  }

  return {
    activeRun,
    finishedRun,
    followError,
    progressPercent,
    resume,
    start,
    confirmDeletions,
    follow,
    stopFollowing,
    dismissResult,
  };
});
