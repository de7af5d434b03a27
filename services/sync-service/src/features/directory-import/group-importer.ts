import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db/queryable';
import {
  DirectoryError,
  type DirectoryFailure,
  type DirectoryGroup,
  type GroupMembers,
  isAccessFailure,
  type OtherMemberKind,
  unstorableGroup,
} from '../../infra/directory';
import type { GroupDuplicateOf, GroupRow } from '../groups/group';
import { isGroupNameViolation } from '../groups/group';
import { addMembers } from '../groups/member-repository';
import { findGroupNamed, importedGroupsByObjectIds, insertGroup } from '../groups/repository';
import type { ActiveDirectory } from '../settings/connection-repository';
import { loadSyncPolicy, type SyncPolicy } from '../sync/policy';
import type { DuplicateOf } from '../users/duplicates';
import { importedUsersByObjectIds } from '../users/repository';
import type { UserRow } from '../users/user';
import {
  countOutcomes,
  type ImportedProfile,
  type ImportOutcome,
  importableProfile,
  importProfiles,
} from './importer';

/** A member of an imported group that did not become a user, and why. */
export interface MemberNotImported {
  objectId: string;
  userPrincipalName: string | null;
  outcome: 'duplicate' | 'failed';
  reason: string;
  duplicateOf?: DuplicateOf;
}

export interface GroupMembersImported {
  /** Members imported as users by this import. */
  usersImported: UserRow[];
  /** Members that were already imported users, now members of the group. */
  usersAdded: number;
  usersNotImported: MemberNotImported[];
  /** Members that are not users (nested groups, devices, service principals, contacts): never imported. */
  ignored: Record<OtherMemberKind, number>;
}

export interface GroupImportResultItem {
  objectId: string;
  outcome: ImportOutcome;
  group?: GroupRow;
  duplicateOfGroup?: GroupDuplicateOf;
  reason?: string;
  members?: GroupMembersImported;
}

const chunkSize = 500;

/**
 * Imports Azure AD groups by object id, one after the other. A group is read, refused as `duplicate` when its
 * name (case-insensitively) is another group's, and otherwise its members (transitive or direct, per the sync
 * policy's `groupMembers`) are read in full before anything is written: a member read that fails on any page makes the group `failed` with nothing of it stored. Then,
 * in one transaction, the group is created, members not yet imported are imported as users under the user
 * duplicate rule, and every member that is a user of the reporting server joins the group.
 */
export async function importGroups(db: Knex, directory: ActiveDirectory, objectIds: string[]) {
  const policy = await loadSyncPolicy(db);
  const results: GroupImportResultItem[] = [];
  for (const objectId of objectIds) results.push(await importGroup(db, directory, policy, objectId));
  return { results, counts: countOutcomes(results) };
}

async function importGroup(
  db: Knex,
  directory: ActiveDirectory,
  { accountState, groupMembers }: Pick<SyncPolicy, 'accountState' | 'groupMembers'>,
  objectId: string,
): Promise<GroupImportResultItem> {
  const lookup = await directory.client.readGroup(objectId);
  if (lookup.kind === 'notFound')
    return { objectId, outcome: 'not_found', reason: 'The group does not exist in Azure AD.' };
  // Azure AD refusing the service (a secret, the group permission) fails every group alike: a 502.
  if (lookup.kind === 'failed' && isAccessFailure(lookup.failure)) throw new DirectoryError(lookup.failure);
  if (lookup.kind === 'failed') return failed(objectId, lookup.failure);
  const unstorable = unstorableGroup(lookup.group);
  if (unstorable) return failed(objectId, unstorable);
  // Checked before the members are read, so that a group not to be imported costs no member pages.
  const refusal = await refusalOf(db, directory.tenantId, objectId, lookup.group);
  if (refusal) return refusal;

  let members: GroupMembers;
  try {
    members = await directory.client.readGroupMembers(objectId, {
      transitive: groupMembers === 'transitive',
    });
  } catch (error) {
    if (error instanceof DirectoryError) return failed(objectId, error.failure);
    throw error;
  }
  try {
    return await db.transaction(async (trx) => {
      // Again inside the transaction: another request may have imported it or taken its name meanwhile.
      const raced = await refusalOf(trx, directory.tenantId, objectId, lookup.group);
      if (raced) return raced;
      const group = await insertGroup(trx, {
        name: lookup.group.displayName,
        description: lookup.group.description,
        source: 'azure_ad',
        objectId,
        tenantId: directory.tenantId,
      });
      const imported = await importMembers(trx, directory, accountState, members);
      const joined = await addMembers(trx, group.id, imported.memberUserIds);
      return {
        objectId,
        outcome: 'imported' as const,
        group: { ...group, member_count: joined.length },
        members: imported.result,
      };
    });
  } catch (error) {
    if (!isGroupNameViolation(error)) throw error;
    const holder = await findGroupNamed(db, lookup.group.displayName);
    return duplicate(objectId, holder);
  }
}

async function refusalOf(
  db: Queryable,
  tenantId: string,
  objectId: string,
  group: DirectoryGroup,
): Promise<GroupImportResultItem | null> {
  const [existing] = await importedGroupsByObjectIds(db, tenantId, [objectId]);
  if (existing) return { objectId, outcome: 'already_imported' };
  const holder = await findGroupNamed(db, group.displayName);
  return holder ? duplicate(objectId, holder) : null;
}

function duplicate(objectId: string, holder: GroupDuplicateOf | null): GroupImportResultItem {
  return {
    objectId,
    outcome: 'duplicate',
    reason: 'Another group of the reporting server already has this name.',
    ...(holder ? { duplicateOfGroup: holder } : {}),
  };
}

function failed(objectId: string, failure: DirectoryFailure): GroupImportResultItem {
  return { objectId, outcome: 'failed', reason: failure.message };
}

/**
 * Imports the group's members that are not users yet (chunk by chunk, in the caller's transaction) and
 * returns every member that is a user of the reporting server now, imported by this call or before.
 */
async function importMembers(
  trx: Knex.Transaction,
  directory: ActiveDirectory,
  accountState: SyncPolicy['accountState'],
  members: GroupMembers,
) {
  const result: GroupMembersImported = {
    usersImported: [],
    usersAdded: 0,
    usersNotImported: [],
    ignored: members.ignored,
  };
  const principalNames = new Map<string, string>();
  const importable: ImportedProfile[] = [];
  for (const entry of members.users) {
    if (entry.kind === 'refused') {
      result.usersNotImported.push({
        objectId: entry.id,
        userPrincipalName: null,
        outcome: 'failed',
        reason: entry.failure.message,
      });
      continue;
    }
    principalNames.set(entry.user.id, entry.user.userPrincipalName);
    const profile = importableProfile(entry.user, directory.mapping, accountState);
    if ('reason' in profile) {
      result.usersNotImported.push({
        objectId: entry.user.id,
        userPrincipalName: entry.user.userPrincipalName,
        outcome: 'failed',
        reason: profile.reason,
      });
    } else importable.push(profile);
  }
  const memberUserIds: string[] = [];
  for (let start = 0; start < importable.length; start += chunkSize) {
    const chunk = importable.slice(start, start + chunkSize);
    const imported = new Set<string>();
    for (const item of await importProfiles(trx, directory.tenantId, chunk)) {
      const userPrincipalName = principalNames.get(item.objectId) ?? null;
      if (item.outcome === 'imported' && item.user) {
        result.usersImported.push(item.user);
        imported.add(item.objectId);
      } else if (item.outcome === 'duplicate' && item.duplicateOf) {
        const { username, field } = item.duplicateOf;
        result.usersNotImported.push({
          objectId: item.objectId,
          userPrincipalName,
          outcome: 'duplicate',
          reason: `Another user (${username}) already has this ${field}.`,
          duplicateOf: item.duplicateOf,
        });
      } else if (item.outcome === 'failed') {
        result.usersNotImported.push({
          objectId: item.objectId,
          userPrincipalName,
          outcome: 'failed',
          reason: item.reason ?? 'The user could not be imported.',
        });
      }
    }
    const users = await importedUsersByObjectIds(
      trx,
      directory.tenantId,
      chunk.map((item) => item.objectId),
    );
    for (const user of users) {
      memberUserIds.push(user.id);
      if (!imported.has(user.object_id)) result.usersAdded += 1;
    }
  }
  return { result, memberUserIds };
}
