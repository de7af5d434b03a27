import type { Knex } from 'knex';
import type { RunEnd } from './end-status';
import type { OutcomeCounts } from './outcomes';
import type { RunContext } from './run-context';

/** What one chunk adds to the run's row, in the chunk's transaction. */
export interface ChunkTally {
  /** Objects counted under each outcome. */
  outcomes: OutcomeCounts;
  /** Objects the chunk is done with (counted now, or counted when they were first judged): the progress. */
  processed: number;
  /**
   * `groups`: the outcomes are a run's groups beside its users (a whole-directory run), counted apart; absent:
   * the run's own objects.
   */
  ledger?: 'groups';
}

/** What the deletion threshold judges for one kind of object: would-be removals against what they come from. */
export interface StagedDeletions {
  wouldDelete: number;
  selected: number;
}

/** What every plan carries for the run; the rest of it is the synchronizer's own. */
export interface ChunkPlan {
  tally: ChunkTally;
}

/** `apply`: the deletion threshold let the run delete; `holdBack`: it blocked the run, nobody is deleted. */
export type DeletionMode = 'apply' | 'holdBack';

/**
 * One kind of directory object a run keeps in step (users; groups next), made for one run by a
 * `SynchronizerFactory`. The run around it (row, lease and heartbeat, one active run, threshold and
 * confirmation, progress, history) calls these in this order and knows nothing else about the objects:
 *
 *   read ─► for each chunk: load · decide · plan · apply (one transaction) · committed
 *   stagedDeletions ─► threshold ─► nextDeletions ─► chunks as above
 *   nextDeferred ─► chunks as above ─► settled ─► finish (in the run's last transaction)
 *
 * `decide` and `plan` are pure: everything the database knows comes in through `load`, and a dry run is a
 * plan that writes nothing but its report.
 */
export interface Synchronizer<Chunk, Stored, Decision, Plan extends ChunkPlan> {
  /** What it synchronizes, as the log names it. */
  readonly objects: string;
  /**
   * Selects the objects and reads them upstream chunk after chunk, handing each chunk to `commit` (which
   * decides, plans and applies it). Answers how many objects the run covers: what the threshold compares with.
   */
  read(commit: (chunk: Chunk) => Promise<void>): Promise<number>;
  /** In the chunk's transaction: the objects as stored now, locked, and whatever else the decisions need. */
  load(trx: Knex.Transaction, chunk: Chunk): Promise<Stored>;
  /** The outcome of each object of the chunk. Pure. */
  decide(chunk: Chunk, stored: Stored): Decision[];
  /** The writes, the run's items and the counters those decisions make (in this phase, dry or not). Pure. */
  plan(chunk: Chunk, stored: Stored, decisions: Decision[]): Plan;
  /** Writes the plan, in the chunk's transaction. */
  apply(trx: Knex.Transaction, plan: Plan): Promise<void>;
  /** After the transaction: work kept beside it. `null` when a dropped COMMIT turned out to have landed. */
  committed(plan: Plan | null): Promise<void>;
  /** Whether a chunk the database refused is to be judged again (the world moved between decision and write). */
  judgeAgain(error: unknown): boolean;
  /**
   * Deletion candidates the read staged against `selected` (what `read` answered): what the threshold judges,
   * once per kind of object the synchronizer covers. The run is held back when any of them is over it.
   */
  stagedDeletions(selected: number): Promise<StagedDeletions[]>;
  /** The next chunk of staged deletions, resolved in `mode`; null when none are left. */
  nextDeletions(mode: DeletionMode): Promise<Chunk | null>;
  /** The next chunk of work the read deferred to its end (users: collisions); null when none is left. */
  nextDeferred(): Promise<Chunk | null>;
  /** Resolves once the work `committed` keeps beside the transactions is done. */
  settled(): Promise<void>;
  /** In the run's last transaction; `ended` is false when the run was no longer this process's to end. */
  finish(trx: Knex.Transaction, end: RunEnd & { ended: boolean }): Promise<void>;
  /** After an error: drops what only this run needed. Never throws. */
  abandon(): Promise<void>;
}

export type SynchronizerFactory<Chunk, Stored, Decision, Plan extends ChunkPlan> = (
  context: RunContext,
) => Synchronizer<Chunk, Stored, Decision, Plan>;
