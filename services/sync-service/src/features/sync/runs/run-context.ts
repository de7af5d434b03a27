import type { FastifyBaseLogger } from 'fastify';
import type { Knex } from 'knex';
import type { DirectoryFailure } from '../../../infra/directory';
import type { ActiveDirectory } from '../../settings/connection-repository';
import type { SyncPolicy } from '../policy';
import type { StoredSelection, SyncRunRow } from './run-repository';

export interface RunExecution {
  db: Knex;
  run: SyncRunRow;
  selection: StoredSelection;
  directory: ActiveDirectory;
  policy: SyncPolicy;
  /** Objects per chunk: one Graph read (several $batch round trips in parallel) and one transaction. */
  chunkSize: number;
  heartbeatSeconds: number;
  /** How long a database step keeps trying on new connections before the run ends failed (DatabaseLostError). */
  databaseWaitSeconds: number;
  /** Aborted when the service shuts down: the run stops between chunks and reads `interrupted`. */
  shutdown: AbortSignal;
  log: FastifyBaseLogger;
  onProgress(run: SyncRunRow): void;
}

/** What a run gives the synchronizer it runs: where to write, how to report, when to stop. */
export interface RunContext {
  execution: RunExecution;
  /** Throws StopRequested once the run must stop (shutdown, lease lost). */
  stopIfAsked(): void;
  progress(run: SyncRunRow): void;
  signal: AbortSignal;
  /**
   * Runs a database step that is safe to repeat (a read, an idempotent write) again on a new connection if
   * the connection drops; a loss longer than the run waits ends the run with DatabaseLostError.
   */
  retryOnLostConnection<T>(step: () => Promise<T>): Promise<T>;
}

/**
 * Azure AD refused the application itself (bad secret, consent withdrawn), or no access token could be had
 * (Entra ID down): every other user would fail the same way, so the run ends `failed` with the reason
 * instead of recording thousands of failed items.
 */
export class DirectoryRefusedError extends Error {
  constructor(readonly failure: DirectoryFailure) {
    super(
      failure.category === 'configuration'
        ? `Azure AD refused the service (${failure.code}): ${failure.message}`
        : `Azure AD issued no access token (${failure.code}): ${failure.message}`,
    );
  }
}

export class StopRequested extends Error {}
