/**
 * Every query on `sync_runs`, by concern: the row and its types (run-row.ts), the run's lifecycle
 * (lifecycle.ts), its counters and progress (progress.ts), and the history of runs (history.ts).
 */

export * from './history';
export * from './lifecycle';
export * from './progress';
export * from './run-row';
