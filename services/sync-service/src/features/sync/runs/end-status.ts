import type { MainFailure } from './run-repository';

export interface FailureTally {
  /** Outcomes the run recorded. */
  processed: number;
  failed: number;
  mainFailure: MainFailure | null;
}

export interface RunEnd {
  status: 'succeeded' | 'partial' | 'failed' | 'blocked';
  error?: string;
}

/**
 * How a run that went through all its users ends. A run never reads as plain success while some user could
 * not be decided: with failed users it is `partial`, and `failed` when they are more than half of what it
 * processed (the directory as good as did not answer). The error names the count and the main reason either
 * way. A run whose deletions were held back stays `blocked`: it waits for an administrator first.
 */
export function endOfRun(heldBack: boolean, tally: FailureTally, objects = 'users'): RunEnd {
  const error = tally.failed > 0 ? failureSentence(tally, objects) : undefined;
  if (heldBack) return { status: 'blocked', error };
  if (tally.failed === 0) return { status: 'succeeded' };
  return { status: tally.failed * 2 > tally.processed ? 'failed' : 'partial', error };
}

/** `objects` as the synchronizer names them (`users`, `groups`, `users and groups`). */
function failureSentence({ processed, failed, mainFailure }: FailureTally, objects: string): string {
  // One of "users and groups" is "user or group".
  const one = objects
    .split(' and ')
    .map((word) => word.replace(/s$/, ''))
    .join(' or ');
  const users = (count: number) => `${count} ${count === 1 ? one : objects}`;
  const main = mainFailure
    ? ` Most often (${users(mainFailure.count)}, ${mainFailure.code}): ${mainFailure.message}`
    : '';
  return `${failed} of ${users(processed)} could not be synchronized; the run's items name each one.${main}`;
}
