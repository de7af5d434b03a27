import type { Knex } from 'knex';
import { deactivateUsers, deleteUsers, reactivateUsers, writeProfiles } from '../../users/repository';
import { insertItems } from '../runs/item-repository';
import { planKeys } from './dry-run-keys';
import { resolvePending, stagePending } from './pending-repository';
import type { UsersPlan } from './plan';

/**
 * Writes one chunk's plan in the chunk's transaction; every write of an empty part is skipped. A collision
 * still deferred is resolved before the chunk stages its own, so a replay's newer state replaces it.
 */
export async function applyPlan(trx: Knex.Transaction, runId: string, plan: UsersPlan): Promise<void> {
  await writeProfiles(trx, plan.profiles);
  await reactivateUsers(trx, plan.reactivate);
  await deactivateUsers(trx, plan.deactivate);
  await deleteUsers(trx, plan.remove);
  await planKeys(trx, runId, plan.plannedKeys);
  await insertItems(trx, runId, plan.items);
  await resolvePending(trx, runId, 'collision', plan.resolve.collision);
  await stagePending(trx, runId, 'deletion', plan.stage.deletion);
  await stagePending(trx, runId, 'collision', plan.stage.collision);
  await resolvePending(trx, runId, 'deletion', plan.resolve.deletion);
}
