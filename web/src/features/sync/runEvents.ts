// Follows a run through the service's server-sent events (`progress` while it runs, then `end`).
import type { ApiPath } from '@/api/client';
import type { SyncRun } from '@/api/schemas';

const RUN_EVENTS_PATH = '/api/sync/runs/{id}/events' satisfies ApiPath;

export function runEventsUrl(runId: string): string {
  return RUN_EVENTS_PATH.replace('{id}', encodeURIComponent(runId));
}

export interface RunWatcher {
  onProgress(run: SyncRun): void;
  onEnd(run: SyncRun): void;
  /** The stream closed for good without an `end` (refused, not found, or not an event stream). */
  onLost(): void;
}

export type OpenEventStream = (url: string) => EventSource;

// EventSource.CLOSED, spelled out so this module also loads where EventSource is absent (unit tests).
const STREAM_CLOSED = 2;

const openEventSource: OpenEventStream = (url) => new EventSource(url, { withCredentials: true });

/** Starts following; the returned function stops it. */
export function watchRun(
  runId: string,
  watcher: RunWatcher,
  open: OpenEventStream = openEventSource,
): () => void {
  const source = open(runEventsUrl(runId));
  const readRun = (event: Event) => JSON.parse((event as MessageEvent<string>).data) as SyncRun;

  source.addEventListener('progress', (event) => watcher.onProgress(readRun(event)));
  source.addEventListener('end', (event) => {
    source.close();
    watcher.onEnd(readRun(event));
  });
  // While CONNECTING the browser retries by itself (e.g. across a service restart); only CLOSED is final.
  source.addEventListener('error', () => {
    if (source.readyState === STREAM_CLOSED) watcher.onLost();
  });
  return () => source.close();
}
