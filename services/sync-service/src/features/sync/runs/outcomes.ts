/**
 * The outcomes every object a run synchronizes ends in, whatever its kind: the run counts them, its history
 * filters on them, and the deletion threshold judges the `deleted` ones.
 */
export type SyncOutcome = 'modified' | 'deleted' | 'duplicated' | 'unchanged' | 'failed';

export interface SyncFailure {
  code: string;
  message: string;
}

export type OutcomeCounts = Record<SyncOutcome, number>;

export const noOutcomes = (): OutcomeCounts => ({
  modified: 0,
  deleted: 0,
  duplicated: 0,
  unchanged: 0,
  failed: 0,
});
