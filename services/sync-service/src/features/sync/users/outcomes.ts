import type { DuplicateOf } from '../../users/duplicates';
import { type ProfileField, profileFields, type UniqueField } from '../../users/profile-fields';
import type { KeyHolder, UserProfile } from '../../users/user';
import type { SyncFailure } from '../runs/outcomes';

export type { KeyHolder };

export type FieldChange =
  | { field: ProfileField; before: string | null; after: string | null }
  /**
   * `true → false`: disabled in Azure AD (policy `accountState: sync`). `false → true`: a user sync had
   * deactivated (gone upstream, or disabled there), found again and enabled: reactivated.
   */
  | { field: 'isActive'; before: boolean; after: boolean };

/** What happens to an imported user that Azure AD no longer has (sync policy `upstreamDeletion`). */
export type UpstreamDeletion = 'delete' | 'deactivate';

/** Whether Azure AD's `accountEnabled` decides the user's `isActive` (sync policy `accountState`). */
export type AccountState = 'sync' | 'ignore';

/** What Azure AD said about one imported user, already mapped to the reporting server's fields. */
export type Upstream =
  /** `accountEnabled`: null when Azure AD did not say (not returned); it then changes nothing. */
  | { kind: 'found'; profile: UserProfile; accountEnabled: boolean | null }
  | { kind: 'notFound' }
  | { kind: 'failed'; failure: SyncFailure };

/** An imported user as stored now. */
export interface SyncedUser {
  id: string;
  profile: UserProfile;
  isActive: boolean;
  /** Deactivated by sync, gone or disabled upstream (never set by an administrator's deactivation). */
  deactivatedBySync: boolean;
}

/** How a run treats a user's state: the policy's two settings about it. */
export interface StatePolicy {
  upstreamDeletion: UpstreamDeletion;
  accountState: AccountState;
}

export type Decision =
  | { outcome: 'modified'; changes: FieldChange[]; target: UserProfile }
  | { outcome: 'unchanged' }
  | {
      outcome: 'duplicated';
      changes: FieldChange[];
      target: UserProfile;
      duplicateOf: DuplicateOf;
      holderMayMove: boolean;
    }
  | { outcome: 'deleted' }
  | { outcome: 'failed'; failure: SyncFailure };

export function profileChanges(before: UserProfile, after: UserProfile): FieldChange[] {
  return profileFields
    .filter((field) => before[field] !== after[field])
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

/**
 * Found upstream: the profile's changes, and the change of state. Under `accountState: sync` a user disabled
 * in Azure AD and active here is deactivated, and a user sync deactivated is reactivated only once Azure AD
 * says it is enabled; an unknown `accountEnabled` (null) changes nothing. Under `ignore` a user sync
 * deactivated is reactivated whenever it is found. A user an administrator deactivated is never reactivated.
 */
function changesOf(
  user: SyncedUser,
  upstream: Extract<Upstream, { kind: 'found' }>,
  accountState: AccountState,
): FieldChange[] {
  const changes = profileChanges(user.profile, upstream.profile);
  const enabled = enabledUpstream(upstream, accountState);
  if (enabled === false && user.isActive) changes.push({ field: 'isActive', before: true, after: false });
  if (enabled === true && user.deactivatedBySync)
    changes.push({ field: 'isActive', before: false, after: true });
  return changes;
}

/**
 * Whether Azure AD's account state counts as enabled (true), disabled (false) or unknown (null) under the
 * policy: under `ignore` every user found is taken as enabled.
 */
export function enabledUpstream(
  upstream: Extract<Upstream, { kind: 'found' }>,
  accountState: AccountState,
): boolean | null {
  return accountState === 'sync' ? upstream.accountEnabled : true;
}

/** The unique profile fields, in the order a duplicate is judged (a user colliding on both is reported on its email). */
const uniqueFields: readonly UniqueField[] = ['email', 'username'];

/** The first unique field Azure AD has no value for under the mapping: such a user cannot be judged. */
export const missingUniqueField = (profile: UserProfile): UniqueField | undefined =>
  uniqueFields.find((field) => profile[field].trim() === '');

const keyOf = (field: UniqueField, value: string) => `${field}:${value.toLowerCase()}`;

interface Occupant {
  id: string;
  username: string;
  email: string;
  mayMove: boolean;
}

/**
 * Decides the outcome of every user of one write batch.
 *
 * Duplicates are judged against the END STATE of the batch, not the state before it: a user may take an
 * email or username that another user of the same batch gives up in the same batch, so two users who
 * swapped emails in Azure AD are both `modified`. A user whose new email or username would, at the end of
 * the batch, be held by anyone else (a user outside the batch, a user of the batch that keeps it, or a user
 * of the batch that wants the same new value) is `duplicated` and keeps all of its fields; keeping them may
 * in turn block another user, so this repeats until nothing more changes. Two users wanting the same new
 * value are therefore both `duplicated`, each naming the other: neither owns it, and picking one silently
 * would hide a conflict the administrator has to resolve in Azure AD.
 *
 * Deletions are candidates here (`deleted`): the run applies them later, after the deletion threshold has
 * judged the whole run, so until then a user gone upstream keeps its email and username. Under the
 * `deactivate` policy a user sync already deactivated and still gone is `unchanged`: reporting (and
 * counting against the threshold) the same disappearance on every run would drown the new ones. A user
 * disabled in Azure AD (policy `accountState: sync`) is `modified` (isActive true → false), not `deleted`:
 * it is still there, so the deletion threshold does not judge it.
 */
export function decideBatch(
  batch: ReadonlyArray<{ user: SyncedUser; upstream: Upstream }>,
  holders: ReadonlyArray<KeyHolder>,
  // Stryker disable next-line all: equivalent, only 'deactivate' and 'sync' are ever compared.
  policy: StatePolicy = { upstreamDeletion: 'delete', accountState: 'ignore' },
): Decision[] {
  const { upstreamDeletion, accountState } = policy;
  const decisions: Decision[] = batch.map(({ user, upstream }) => {
    if (upstream.kind === 'notFound') {
      const alreadyHandled = upstreamDeletion === 'deactivate' && user.deactivatedBySync;
      return alreadyHandled ? { outcome: 'unchanged' } : { outcome: 'deleted' };
    }
    if (upstream.kind === 'failed') return { outcome: 'failed', failure: upstream.failure };
    const missing = missingUniqueField(upstream.profile);
    if (missing) {
      return {
        outcome: 'failed',
        failure: {
          code: 'missing_attribute',
          message: `Azure AD has no value for the ${missing} under the current attribute mapping.`,
        },
      };
    }
    const changes = changesOf(user, upstream, accountState);
    return changes.length === 0
      ? { outcome: 'unchanged' }
      : { outcome: 'modified', changes, target: upstream.profile };
  });

  const inBatch = new Set(batch.map(({ user }) => user.id));
  const outside = holders.filter((holder) => !inBatch.has(holder.id));

  for (let settled = false; !settled; ) {
    settled = true;
    const occupants = occupancyAtEnd(batch, decisions, outside);
    decisions.forEach((decision, index) => {
      if (decision.outcome !== 'modified') return;
      const { user } = batch[index];
      for (const field of uniqueFields) {
        // The user itself occupies its target at the end of the batch, so the list exists.
        const other = occupants
          .get(keyOf(field, decision.target[field]))!
          .find((occupant) => occupant.id !== user.id);
        if (!other) continue;
        decisions[index] = {
          outcome: 'duplicated',
          changes: decision.changes,
          target: decision.target,
          duplicateOf: { userId: other.id, username: other.username, email: other.email, field },
          holderMayMove: other.mayMove,
        };
        settled = false;
        return;
      }
    });
  }
  return decisions;
}

/** Who holds each email and username once the batch is written, given the decisions so far. */
function occupancyAtEnd(
  batch: ReadonlyArray<{ user: SyncedUser }>,
  decisions: ReadonlyArray<Decision>,
  outside: ReadonlyArray<KeyHolder>,
): Map<string, Occupant[]> {
  const occupants = new Map<string, Occupant[]>();
  const occupy = (key: string, occupant: Occupant) => {
    const list = occupants.get(key);
    if (list) list.push(occupant);
    else occupants.set(key, [occupant]);
  };
  for (const holder of outside) {
    for (const field of uniqueFields) occupy(keyOf(field, holder[field]), holder);
  }
  batch.forEach(({ user }, index) => {
    const decision = decisions[index];
    const held = decision.outcome === 'modified' ? decision.target : user.profile;
    const occupant = {
      id: user.id,
      username: user.profile.username,
      email: user.profile.email,
      mayMove: true,
    };
    for (const field of uniqueFields) occupy(keyOf(field, held[field]), occupant);
  });
  return occupants;
}
