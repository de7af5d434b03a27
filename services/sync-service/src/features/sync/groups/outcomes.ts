import type { DirectoryGroup } from '../../../infra/directory';
import type { ImportedProfile } from '../../directory-import/importer';
import type { GroupDuplicateOf } from '../../groups/group';
import type { DuplicateOf } from '../../users/duplicates';
import type { SyncFailure, SyncOutcome } from '../runs/outcomes';
import type { DeletionMode } from '../runs/synchronizer';

/** A member of an Azure AD group that is a user, as the run read it. */
export interface UpstreamMember {
  objectId: string;
  userPrincipalName: string | null;
  /** The user the mapping makes of it, or null when it cannot be one (`refusal` says why). */
  importable: ImportedProfile | null;
  refusal: string | null;
}

/**
 * A group as Azure AD answered for it: only Graph's 404 is `notFound`; any failed page is `failed`. `changes`
 * names only what differs: the members to add (not members here yet, `members`) and the object ids of
 * members here to remove (`absent`); only those are ever removed. A group staged for after the threshold
 * (see staging-repository.ts) keeps these changes of its complete answer; a delta round (directory-round.ts)
 * reports them for a group it met, with its name and description only when the round carried them (`group`
 * null: the group keeps its own).
 */
export type GroupUpstream =
  | { kind: 'found'; group: DirectoryGroup; members: UpstreamMember[] }
  | { kind: 'changes'; group: DirectoryGroup | null; members: UpstreamMember[]; absent: string[] }
  | { kind: 'notFound' }
  | { kind: 'failed'; failure: SyncFailure };

export interface SelectedGroup {
  id: string;
  objectId: string;
}

/**
 * Groups read whole (the group and every page of its members), resolved in `mode`; `read` while the run
 * still reads: groups whose sync would remove members are staged for the threshold, the others written.
 */
export interface GroupsChunk {
  mode: DeletionMode | 'read';
  groups: Array<SelectedGroup & { upstream: GroupUpstream }>;
  /** The groups come from the staging (staging-repository.ts): resolving them unstages them. */
  staged?: boolean;
}

/** A user as a group's member lists name it; `userId` is null for a user a dry run would create. */
export interface MemberRef {
  userId: string | null;
  objectId: string | null;
  username: string;
  email: string;
}

export interface StoredGroup {
  id: string;
  name: string;
  description: string | null;
}

/** What the chunk's decisions need from the database, read in its transaction. */
export interface StoredGroups {
  /** The selected groups still stored, locked. */
  groups: Map<string, StoredGroup>;
  /**
   * Their members now, by group id: of a group deleted upstream, all; of the others, those their sync may
   * remove or add (see loadGroups), with others the chunk's other groups named.
   */
  members: Map<string, MemberRef[]>;
  /**
   * Of each group read whole, the object ids of all its members here, lower-cased (each mapped to its
   * spelling as stored). A group without an entry is judged by `members` alone (a group deleted upstream, or
   * one a delta round reported changes of).
   */
  present?: Map<string, ReadonlyMap<string, string>>;
  /** Groups holding the new names Azure AD gave, by lower-cased name. */
  nameHolders: Map<string, GroupDuplicateOf>;
  /** Imported users of the tenant among the upstream members, by object id. */
  users: Map<string, MemberRef>;
  /** For an upstream member not yet a user: who holds its email or username, by object id. */
  keyHolders: Map<string, DuplicateOf>;
}

export interface GroupFieldChange {
  field: 'name' | 'description';
  before: string | null;
  after: string | null;
}

/** A member Azure AD has that the group here does not get, and why. */
export interface MemberNotAdded {
  objectId: string;
  userPrincipalName: string | null;
  reason: string;
  duplicateOf: DuplicateOf | null;
}

/** The member changes of one group; `created` are the users made for new members (they are in `added` too). */
export interface GroupMemberChanges {
  added: MemberRef[];
  removed: MemberRef[];
  created: MemberRef[];
  notAdded: MemberNotAdded[];
}

export const noMemberChanges = (): GroupMemberChanges => ({
  added: [],
  removed: [],
  created: [],
  notAdded: [],
});

/** One group's outcome. `gone`: deleted here while the run read it; nothing to do. */
export type GroupDecision =
  | { outcome: 'gone'; group: SelectedGroup }
  | {
      outcome: Exclude<SyncOutcome, 'duplicated' | 'failed'>;
      group: SelectedGroup;
      stored: StoredGroup;
      changes: GroupFieldChange[];
      members: GroupMemberChanges;
      /** The users to create for new members. */
      create: ImportedProfile[];
      /** For `modified` and `unchanged`: the name and description Azure AD has. */
      upstream: { name: string; description: string | null } | null;
    }
  | {
      outcome: 'duplicated';
      group: SelectedGroup;
      stored: StoredGroup;
      changes: GroupFieldChange[];
      duplicateOf: GroupDuplicateOf;
    }
  | { outcome: 'failed'; group: SelectedGroup; stored: StoredGroup; failure: SyncFailure };
