import { EventEmitter, once } from 'node:events';
import { outlastConnectionLoss } from '../../../infra/db/connection-loss';
import type { Queryable } from '../../../infra/db/queryable';
import { activeStatuses, findRun, type SyncRunRow } from './run-repository';

/**
 * Progress of runs executed in this process, so watchers here react at once. Watchers still poll the row:
 * the run may be executed by another process sharing the database.
 */
export class RunProgress extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  report(run: SyncRunRow): void {
    this.emit(run.id, run);
  }
}

const pollMs = 400;

export const isActive = (run: SyncRunRow) => activeStatuses.includes(run.status);

/**
 * Calls `onChange` with the run whenever its status or progress changed, until it ends (then returns the
 * final run) or `signal` aborts (then returns undefined). It only reads: a run whose process stopped beating
 * is declared interrupted by the scheduler tick of a live process, so a watcher never waits forever.
 */
export async function followRun(
  db: Queryable,
  progress: RunProgress,
  runId: string,
  signal: AbortSignal,
  onChange: (run: SyncRunRow) => void,
): Promise<SyncRunRow | undefined> {
  let seen = '';
  while (!signal.aborted) {
    // A watcher outlasts a dropped connection: the run goes on, and so does the answer that waits for it.
    const run = await outlastConnectionLoss(() => findRun(db, runId), { signal });
    if (!run) return undefined;
    const state = `${run.status}|${run.processed}|${run.total}`;
    if (state !== seen) {
      seen = state;
      onChange(run);
    }
    if (!isActive(run)) return run;
    await nudgeOrTimeout(progress, runId, signal);
  }
  return undefined;
}

async function nudgeOrTimeout(progress: RunProgress, runId: string, signal: AbortSignal): Promise<void> {
  const wait = AbortSignal.any([signal, AbortSignal.timeout(pollMs)]);
  try {
    await once(progress, runId, { signal: wait });
  } catch {
    // timed out or aborted: poll the row
  }
}
