import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import type { DirectoryUser } from '../../infra/directory';
import type { ActiveDirectory } from '../settings/connection-repository';
import { loadSyncPolicy, type SyncPolicy } from '../sync/policy';
import type { DuplicateOf } from '../users/duplicates';
import { type AttributeMapping, mapProfile } from '../users/profile-fields';
import { findCollisions, importedUsersByObjectIds, insertImportedUsers } from '../users/repository';
import type { UserProfile, UserRow } from '../users/user';

export type ImportOutcome = 'imported' | 'already_imported' | 'duplicate' | 'not_found' | 'failed';

export interface ImportResultItem {
  objectId: string;
  outcome: ImportOutcome;
  user?: UserRow;
  duplicateOf?: DuplicateOf;
  reason?: string;
}

const chunkSize = 500;

/**
 * Imports directory users by object id. Each is read from Graph (a failure to read is `failed`, never
 * `not_found` unless Graph said 404), refused as `duplicate` when its email or username belongs to an
 * existing user or to an earlier user of the same request, and otherwise inserted: inactive when Azure AD
 * has it disabled and the sync policy's `accountState` is `sync`.
 */
export async function importUsers(db: Knex, directory: ActiveDirectory, objectIds: string[]) {
  const lookups = await directory.client.readUsersByIds(objectIds);
  const { accountState } = await loadSyncPolicy(db);
  const results = new Map<string, ImportResultItem>();
  const found: ImportedProfile[] = [];
  for (const objectId of objectIds) {
    const lookup = lookups.get(objectId);
    if (!lookup || lookup.kind === 'failed') {
      results.set(objectId, {
        objectId,
        outcome: 'failed',
        reason: lookup?.failure.message ?? 'No answer from Azure AD.',
      });
    } else if (lookup.kind === 'notFound') {
      results.set(objectId, {
        objectId,
        outcome: 'not_found',
        reason: 'The user does not exist in Azure AD.',
      });
    } else {
      const importable = importableProfile(lookup.user, directory.mapping, accountState);
      if ('reason' in importable)
        results.set(objectId, { objectId, outcome: 'failed', reason: importable.reason });
      // Keyed by the caller's spelling of the id, as every other result is.
      else found.push({ ...importable, objectId });
    }
  }
  for (let start = 0; start < found.length; start += chunkSize) {
    const chunk = found.slice(start, start + chunkSize);
    for (const item of await importChunk(db, directory.tenantId, chunk)) results.set(item.objectId, item);
  }
  const ordered = objectIds.map((objectId) => results.get(objectId)!);
  return { results: ordered, counts: countOutcomes(ordered) };
}

/** `disabled`: disabled in Azure AD under `accountState: sync`, so imported inactive. */
export type ImportedProfile = { objectId: string; profile: UserProfile; disabled: boolean };

/**
 * A directory user as the mapping turns it into a reporting server user, or why it cannot be imported (no
 * value for the username or the email mapping).
 */
export function importableProfile(
  user: DirectoryUser,
  mapping: AttributeMapping,
  accountState: SyncPolicy['accountState'],
): ImportedProfile | { reason: string } {
  const profile = mapProfile(user, mapping);
  if (!profile.username) return { reason: `The user ${user.id} has no value for the username mapping.` };
  if (!profile.email)
    return { reason: `The user ${user.userPrincipalName} has no value for the email mapping.` };
  return { objectId: user.id, profile, disabled: accountState === 'sync' && user.accountEnabled === false };
}

function importChunk(db: Knex, tenantId: string, chunk: ImportedProfile[]): Promise<ImportResultItem[]> {
  return db.transaction((trx) => importProfiles(trx, tenantId, chunk));
}

/**
 * Imports mapped directory users in the caller's transaction: `already_imported` when the tenant has them,
 * `duplicate` when another user holds the email or username, `failed` when an earlier user of the same call
 * claimed it, `imported` otherwise.
 */
export async function importProfiles(
  trx: Queryable,
  tenantId: string,
  chunk: ImportedProfile[],
): Promise<ImportResultItem[]> {
  const existing = await importedUsersByObjectIds(
    trx,
    tenantId,
    chunk.map((item) => item.objectId),
  );
  const alreadyImported = new Set(existing.map((row) => row.object_id));
  const candidates = chunk.filter((item) => !alreadyImported.has(item.objectId));
  const collisions = await findCollisions(
    trx,
    candidates.map((item) => item.profile),
  );
  const claimedEmails = new Map<string, string>();
  const claimedUsernames = new Map<string, string>();
  const items: ImportResultItem[] = [];
  const toInsert: typeof candidates = [];
  candidates.forEach((item, index) => {
    const collision = collisions[index];
    if (collision) {
      items.push({ objectId: item.objectId, outcome: 'duplicate', duplicateOf: collision });
      return;
    }
    const email = item.profile.email.toLowerCase();
    const username = item.profile.username.toLowerCase();
    if (claimedEmails.has(email) || claimedUsernames.has(username)) {
      const other = claimedEmails.get(email) ?? claimedUsernames.get(username)!;
      items.push({
        objectId: item.objectId,
        outcome: 'failed',
        reason: `Azure AD user ${other} in this import has the same ${claimedEmails.has(email) ? 'email' : 'username'}.`,
      });
      return;
    }
    claimedEmails.set(email, item.objectId);
    claimedUsernames.set(username, item.objectId);
    toInsert.push(item);
  });
  // A concurrent request may have taken an email or username since the check: skipped, then explained.
  const inserted = await insertImportedUsers(trx, tenantId, toInsert);
  for (const user of inserted) items.push({ objectId: user.object_id!, outcome: 'imported', user });
  const insertedIds = new Set(inserted.map((user) => user.object_id));
  const raced = toInsert.filter((item) => !insertedIds.has(item.objectId));
  const racedCollisions = await findCollisions(
    trx,
    raced.map((item) => item.profile),
  );
  raced.forEach((item, index) => {
    const duplicateOf = racedCollisions[index];
    items.push(
      duplicateOf
        ? { objectId: item.objectId, outcome: 'duplicate', duplicateOf }
        : { objectId: item.objectId, outcome: 'already_imported' },
    );
  });
  for (const objectId of alreadyImported) items.push({ objectId, outcome: 'already_imported' });
  return items;
}

export function countOutcomes(
  items: ReadonlyArray<{ outcome: ImportOutcome }>,
): Record<ImportOutcome, number> {
  const counts: Record<ImportOutcome, number> = {
    imported: 0,
    already_imported: 0,
    duplicate: 0,
    not_found: 0,
    failed: 0,
  };
  for (const item of items) counts[item.outcome] += 1;
  return counts;
}
