import { setTimeout as sleep } from 'node:timers/promises';

/**
 * PostgreSQL's SQLSTATEs for a session that ended or could not start: 57P01 is `pg_terminate_backend` or a
 * server shutting down, 57P02 a crash, 57P03 a server still starting; class 08 is a connection exception.
 */
const lostSessionStates = new Set(['57P01', '57P02', '57P03']);
const socketErrors = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** What node-postgres says when the socket closed under a query, or a client that lost it is used again. */
const lostConnectionMessages =
  /Connection terminated|connection error and is not queryable|Client was closed/i;

/**
 * True when an error says the database connection is gone or none could be had, not that a statement was
 * wrong: the same statement may succeed on a new connection. Knex's pool gives up waiting for a connection
 * with a KnexTimeoutError.
 */
export function isConnectionLost(error: unknown): boolean {
  // Not `instanceof Error`: a socket error comes from Node's own realm, which need not be the caller's.
  if (typeof error !== 'object' || error === null) return false;
  if (error instanceof DatabaseLostError) return true;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (lostSessionStates.has(code) || code.startsWith('08') || socketErrors.has(code))
  )
    return true;
  return name === 'KnexTimeoutError' || (typeof message === 'string' && lostConnectionMessages.test(message));
}

/** The database stayed out of reach for longer than the caller waits for it, or for all its tries. */
export class DatabaseLostError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

export interface OutlastOptions<T> {
  /** How long to keep trying on new connections; default 20 s. */
  budgetMs?: number;
  /** At most this many tries in all, within the budget. */
  attempts?: number;
  /** Stops waiting (the run is shutting down): the last error is thrown. */
  signal?: AbortSignal;
  /**
   * For a transaction whose COMMIT may have reached the server before the connection dropped: tells whether
   * it did, and then what it produced, so that it is not applied twice.
   */
  landed?: () => Promise<T | undefined>;
}

/**
 * A read answered from a new connection if its connection dropped: one more try, after 100 ms, long enough
 * for the pool to learn that the old connection closed (its socket's end arrives after the query's error).
 */
export function readAgainOnce<T>(read: () => Promise<T>): Promise<T> {
  return outlastConnectionLoss(read, { attempts: 2 });
}

/**
 * Runs a database step again on a new connection when the connection was lost (Knex drops a broken one from
 * its pool), with back-off from 100 ms up to 2 s, within a time budget. Only for steps that are safe to
 * repeat: reads, idempotent writes, and transactions (rolled back when the connection drops, or checked
 * through `landed`). Any other error, and a loss that outlasts the budget, is thrown.
 */
export async function outlastConnectionLoss<T>(
  step: () => Promise<T>,
  options: OutlastOptions<T> = {},
): Promise<T> {
  const budgetMs = options.budgetMs ?? 20_000;
  const deadline = Date.now() + budgetMs;
  let delayMs = 100;
  let checkLanded = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (checkLanded && options.landed) {
        const landed = await options.landed();
        if (landed !== undefined) return landed;
        checkLanded = false;
      }
      return await step();
    } catch (error) {
      if (!isConnectionLost(error) || options.signal?.aborted) throw error;
      if (attempt >= (options.attempts ?? Number.POSITIVE_INFINITY))
        throw new DatabaseLostError(`The database connection was lost ${attempt} times in a row.`, {
          cause: error,
        });
      if (Date.now() + delayMs > deadline)
        throw new DatabaseLostError(
          `The database connection was lost and did not come back within ${Math.round(budgetMs / 1000)} s.`,
          { cause: error },
        );
      checkLanded ||= options.landed !== undefined;
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, 2_000);
    }
  }
}
