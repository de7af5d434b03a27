import type { Knex } from 'knex';
import { markSynced } from '../../users/repository';

/**
 * Stamps lastSyncedAt of unchanged users beside the transactions that judged them (see markSynced): one
 * batch's stamp runs while the next chunk or delta page is read and written. `add` first waits for the stamp
 * before it, so stamps never pile up in memory when the database is the slower side, and once `add` returns
 * only the batch it was given can still be in flight: work on other users cannot wait on an older stamp's
 * row locks. A process killed before a stamp lands leaves an older lastSyncedAt on those users, nothing else.
 */
export class SyncedStamps {
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly retry: <T>(step: () => Promise<T>) => Promise<T>,
  ) {}

  async add(userIds: string[]): Promise<void> {
    await this.inFlight;
    if (userIds.length === 0) return;
    this.inFlight = this.retry(() => markSynced(this.db, userIds));
    // Reported by the next add() or settled(); until then it must not surface as an unhandled rejection.
    this.inFlight.catch(() => undefined);
  }

  settled(): Promise<void> {
    return this.inFlight;
  }
}
