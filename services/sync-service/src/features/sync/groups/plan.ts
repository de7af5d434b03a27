import type { ImportedProfile } from '../../directory-import/importer';
import { noOutcomes, type OutcomeCounts } from '../runs/outcomes';
import type { ChunkPlan } from '../runs/synchronizer';
import type {
  GroupDecision,
  GroupFieldChange,
  GroupMemberChanges,
  GroupsChunk,
  GroupUpstream,
  MemberRef,
  StoredGroup,
  StoredGroups,
  UpstreamMember,
} from './outcomes';
import { noMemberChanges } from './outcomes';
import type { StagedGroup } from './staging-repository';

export interface GroupsRunSettings {
  dryRun: boolean;
  /** `groups`: the run carries users too (a whole-directory run), and counts its groups apart. */
  ledger?: 'groups';
}

/** A group's outcome as the run's history keeps it. */
export interface GroupItem {
  groupId: string;
  objectId: string;
  /** Before the run. */
  name: string;
  outcome: Exclude<GroupDecision['outcome'], 'gone'>;
  changes: GroupFieldChange[];
  members: GroupMemberChanges;
  duplicateOf: { groupId: string; name: string } | null;
  failure: { code: string; message: string } | null;
  /** False when the item only reports what would happen (dry run, removals held back). */
  applied: boolean;
}

export interface MembershipCounts {
  membersAdded: number;
  membersRemoved: number;
  usersCreated: number;
}

export interface GroupsPlan extends ChunkPlan {
  updates: Array<{ groupId: string; name: string; description: string | null }>;
  deletions: string[];
  /** Users to create before the memberships are added. */
  create: ImportedProfile[];
  /** Memberships to add, by user id or, for a user created by this plan, by its object id. */
  additions: Array<{ groupId: string; userId: string | null; objectId: string | null }>;
  removals: Array<{ groupId: string; userIds: string[] }>;
  /** Groups found in Azure AD and written: their lastSyncedAt moves on. */
  synced: string[];
  /** Groups whose removals wait for the threshold (a chunk read in mode `read`). */
  staged: StagedGroup[];
  /** Staged groups this chunk resolves. */
  unstaged: string[];
  items: GroupItem[];
  memberships: MembershipCounts;
}

/** The members a group here has that Azure AD's complete member list lacks: those to remove. */
export function membersToRemove(stored: MemberRef[], upstream: UpstreamMember[]): MemberRef[] {
  const upstreamIds = new Set(upstream.map((member) => member.objectId.toLowerCase()));
  // A member without an object id was never Azure AD's to remove.
  return stored.filter(
    (member) => member.objectId !== null && !upstreamIds.has(member.objectId.toLowerCase()),
  );
}

/**
 * The members here among the object ids a `changes` upstream names as gone: those a complete read found
 * missing (a staged group), or those a delta round removed.
 */
function membersAbsent(stored: MemberRef[], absent: string[]): MemberRef[] {
  const absentIds = new Set(absent.map((id) => id.toLowerCase()));
  return stored.filter((member) => member.objectId !== null && absentIds.has(member.objectId.toLowerCase()));
}

/**
 * The outcome of each group of the chunk. Pure. A group is `deleted` only on Graph's 404, `failed` when
 * Azure AD did not answer for it completely (nothing of it changes, no member is removed), `duplicated` when
 * its new name is another group's (nothing of it changes), and otherwise `modified` or `unchanged` by its
 * name, description and members. New members become users under the users' duplicate rule: a member whose
 * email or username another user holds is not created, and is reported naming the holder.
 */
export function decideGroups(chunk: GroupsChunk, stored: StoredGroups): GroupDecision[] {
  /** Names taken by earlier groups of the chunk, and users the chunk creates, by lower-cased key. */
  const claimedNames = new Map<string, { groupId: string; name: string }>();
  const created = new Map<string, MemberRef>();
  const claimedKeys = new Map<string, string>();
  return chunk.groups.map(({ upstream, ...group }): GroupDecision => {
    const row = stored.groups.get(group.id);
    if (!row) return { outcome: 'gone', group };
    if (upstream.kind === 'failed')
      return { outcome: 'failed', group, stored: row, failure: upstream.failure };
    const members = stored.members.get(group.id) ?? [];
    if (upstream.kind === 'notFound') {
      return {
        outcome: 'deleted',
        group,
        stored: row,
        changes: [],
        members: { ...noMemberChanges(), removed: members },
        create: [],
        upstream: null,
      };
    }
    // A delta round's entry may carry members only: the group keeps its name and description.
    const head = upstream.group ?? { displayName: row.name, description: row.description };
    const changes = fieldChanges(row, head);
    const renamed = changes.some((change) => change.field === 'name');
    const newName = head.displayName.toLowerCase();
    const holder = renamed ? (stored.nameHolders.get(newName) ?? claimedNames.get(newName)) : undefined;
    if (holder && holder.groupId !== group.id)
      return { outcome: 'duplicated', group, stored: row, changes, duplicateOf: holder };
    if (renamed) claimedNames.set(newName, { groupId: group.id, name: head.displayName });

    const memberChanges: GroupMemberChanges = {
      ...noMemberChanges(),
      removed:
        upstream.kind === 'found'
          ? membersToRemove(members, upstream.members)
          : membersAbsent(members, upstream.absent),
    };
    const present =
      stored.present?.get(group.id) ??
      new Set(members.flatMap((member) => (member.objectId ? [member.objectId.toLowerCase()] : [])));
    const create: ImportedProfile[] = [];
    for (const member of upstream.members) {
      if (present.has(member.objectId.toLowerCase())) continue;
      const known = stored.users.get(member.objectId) ?? created.get(member.objectId);
      if (known) {
        memberChanges.added.push(known);
        continue;
      }
      const refusal = refusalOf(member, stored, claimedKeys);
      if (refusal) {
        memberChanges.notAdded.push(refusal);
        continue;
      }
      const profile = member.importable as ImportedProfile;
      const user: MemberRef = {
        userId: null,
        objectId: member.objectId,
        username: profile.profile.username,
        email: profile.profile.email,
      };
      created.set(member.objectId, user);
      claimedKeys.set(`email:${user.email.toLowerCase()}`, member.userPrincipalName ?? member.objectId);
      claimedKeys.set(`username:${user.username.toLowerCase()}`, member.userPrincipalName ?? member.objectId);
      create.push(profile);
      memberChanges.created.push(user);
      memberChanges.added.push(user);
    }
    const modified = changes.length > 0 || memberChanges.added.length > 0 || memberChanges.removed.length > 0;
    return {
      outcome: modified ? 'modified' : 'unchanged',
      group,
      stored: row,
      changes,
      members: memberChanges,
      create,
      upstream: { name: head.displayName, description: head.description },
    };
  });
}

function fieldChanges(
  row: StoredGroup,
  upstream: { displayName: string; description: string | null },
): GroupFieldChange[] {
  const changes: GroupFieldChange[] = [];
  if (row.name !== upstream.displayName)
    changes.push({ field: 'name', before: row.name, after: upstream.displayName });
  if ((row.description ?? null) !== (upstream.description ?? null))
    changes.push({ field: 'description', before: row.description, after: upstream.description });
  return changes;
}

function refusalOf(member: UpstreamMember, stored: StoredGroups, claimedKeys: Map<string, string>) {
  const base = { objectId: member.objectId, userPrincipalName: member.userPrincipalName, duplicateOf: null };
  if (!member.importable) return { ...base, reason: member.refusal ?? 'The user cannot be created.' };
  const holder = stored.keyHolders.get(member.objectId);
  if (holder)
    return {
      ...base,
      reason: `Another user (${holder.username}) already has this ${holder.field}.`,
      duplicateOf: holder,
    };
  const { email, username } = member.importable.profile;
  for (const [field, value] of [
    ['email', email],
    ['username', username],
  ] as const) {
    const other = claimedKeys.get(`${field}:${value.toLowerCase()}`);
    if (other) return { ...base, reason: `Azure AD user ${other} in this run has the same ${field}.` };
  }
  return null;
}

/**
 * What a group whose sync would remove members (or delete it) keeps for after the threshold: its removals
 * and what of Azure AD's answer its sync needs. Null for the other groups.
 */
function stagedGroup(decision: GroupDecision, upstream: GroupUpstream): StagedGroup | null {
  if (decision.outcome !== 'modified' && decision.outcome !== 'deleted') return null;
  const { members } = decision;
  if (decision.outcome === 'modified' && members.removed.length === 0) return null;
  const base = { ...decision.group, removals: members.removed.length };
  if (decision.outcome === 'deleted' || (upstream.kind !== 'found' && upstream.kind !== 'changes'))
    return { ...base, upstream: { kind: 'notFound' } };
  const missing = new Set(
    [...members.added, ...members.notAdded].flatMap((member) => (member.objectId ? [member.objectId] : [])),
  );
  return {
    ...base,
    upstream: {
      kind: 'changes',
      group: upstream.group,
      members: upstream.members.filter((member) => missing.has(member.objectId)),
      absent: members.removed.flatMap((member) => (member.objectId ? [member.objectId] : [])),
    },
  };
}

/**
 * The writes, items and counters of the decisions. Pure. A dry run writes nothing but its items; with the
 * removals held back (`mode: holdBack`) a group that would lose members or be deleted is left as it is
 * (its item says so), and the other groups are written.
 */
export function planGroups(
  chunk: GroupsChunk,
  decisions: GroupDecision[],
  settings: GroupsRunSettings,
): GroupsPlan {
  const outcomes: OutcomeCounts = noOutcomes();
  const plan: GroupsPlan = {
    tally: { outcomes, processed: 0, ...(settings.ledger ? { ledger: settings.ledger } : {}) },
    updates: [],
    deletions: [],
    create: [],
    additions: [],
    removals: [],
    synced: [],
    staged: [],
    unstaged: chunk.staged ? chunk.groups.map((group) => group.id) : [],
    items: [],
    memberships: { membersAdded: 0, membersRemoved: 0, usersCreated: 0 },
  };
  decisions.forEach((decision, index) => {
    const staged = chunk.mode === 'read' ? stagedGroup(decision, chunk.groups[index].upstream) : null;
    if (staged) plan.staged.push(staged);
  });
  const stagedIds = new Set(plan.staged.map((group) => group.id));
  plan.tally.processed = chunk.groups.length - stagedIds.size;
  for (const decision of decisions) {
    if (decision.outcome === 'gone' || stagedIds.has(decision.group.id)) continue;
    outcomes[decision.outcome] += 1;
    const base = {
      groupId: decision.group.id,
      objectId: decision.group.objectId,
      name: decision.stored.name,
      outcome: decision.outcome,
    };
    if (decision.outcome === 'failed' || decision.outcome === 'duplicated') {
      plan.items.push({
        ...base,
        changes: decision.outcome === 'duplicated' ? decision.changes : [],
        members: noMemberChanges(),
        duplicateOf: decision.outcome === 'duplicated' ? decision.duplicateOf : null,
        failure: decision.outcome === 'failed' ? decision.failure : null,
        applied: false,
      });
      continue;
    }
    const { members } = decision;
    const removes = members.removed.length > 0 || decision.outcome === 'deleted';
    const applied = !settings.dryRun && !(removes && chunk.mode === 'holdBack');
    plan.memberships.membersAdded += members.added.length;
    plan.memberships.membersRemoved += members.removed.length;
    plan.memberships.usersCreated += members.created.length;
    plan.items.push({
      ...base,
      changes: decision.changes,
      members,
      duplicateOf: null,
      failure: null,
      applied,
    });
    if (!applied) continue;
    if (decision.outcome === 'deleted') {
      plan.deletions.push(decision.group.id);
      continue;
    }
    const { upstream } = decision;
    if (upstream && decision.changes.length > 0)
      plan.updates.push({
        groupId: decision.group.id,
        name: upstream.name,
        description: upstream.description,
      });
    for (const member of members.added)
      plan.additions.push({ groupId: decision.group.id, userId: member.userId, objectId: member.objectId });
    const removed = members.removed.flatMap((member) => (member.userId ? [member.userId] : []));
    if (removed.length > 0) plan.removals.push({ groupId: decision.group.id, userIds: removed });
    plan.synced.push(decision.group.id);
  }
  // A user is created once, by the first written group that adds it, even when the group that first met it
  // is held back.
  const profiles = new Map(
    decisions
      .flatMap((decision) => ('create' in decision ? decision.create : []))
      .map((profile) => [profile.objectId, profile]),
  );
  const toCreate = new Set(
    plan.additions.flatMap((addition) =>
      addition.userId === null && addition.objectId ? [addition.objectId] : [],
    ),
  );
  plan.create = [...toCreate].flatMap((objectId) => profiles.get(objectId) ?? []);
  return plan;
}
