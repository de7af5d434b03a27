import type { DuplicateOf } from '../users/duplicates';
import { type ProfileField, profileFields, type UniqueField } from '../users/profile-fields';
import type { KeyHolder, UserProfile } from '../users/user';

export type { KeyHolder };

export type SyncOutcome = 'modified' | 'deleted' | 'duplicated' | 'unchanged' | 'failed';

export type FieldChange =
  | { field: ProfileField; before: string | null; after: string | null }
  /** A user that sync had deactivated because it disappeared upstream, found again: reactivated. */
  | { field: 'isActive'; before: boolean; after: boolean };

/** What happens to an imported user that Azure AD no longer has (sync policy `upstreamDeletion`). */
export type UpstreamDeletion = 'delete' | 'deactivate';

export interface SyncFailure {
  code: string;
  message: string;
}

/** What Azure AD said about one imported user, already mapped to the reporting server's fields. */
export type Upstream =
  | { kind: 'found'; profile: UserProfile }
  | { kind: 'notFound' }
  | { kind: 'failed'; failure: SyncFailure };

/** An imported user as stored now. */
export interface SyncedUser {
  id: string;
  profile: UserProfile;
  /** Deactivated by sync because it disappeared upstream (never set by an administrator's deactivation). */
  deactivatedBySync: boolean;
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

/** Found upstream again: the profile's changes, and the reactivation of a user sync had deactivated. */
function changesOf(user: SyncedUser, upstream: UserProfile): FieldChange[] {
  const changes = profileChanges(user.profile, upstream);
  if (user.deactivatedBySync) changes.push({ field: 'isActive', before: false, after: true });
  return changes;
}

/** The unique profile fields, in the order a duplicate is judged (a user colliding on both is reported on its email). */
const uniqueFields: readonly UniqueField[] = ['email', 'username'];

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
 * counting against the threshold) the same disappearance on every run would drown the new ones.
 */
export function decideBatch(
  batch: ReadonlyArray<{ user: SyncedUser; upstream: Upstream }>,
  holders: ReadonlyArray<KeyHolder>,
  // Stryker disable next-line StringLiteral: equivalent, only 'deactivate' is ever compared.
  upstreamDeletion: UpstreamDeletion = 'delete',
): Decision[] {
  const decisions: Decision[] = batch.map(({ user, upstream }) => {
    if (upstream.kind === 'notFound') {
      const alreadyHandled = upstreamDeletion === 'deactivate' && user.deactivatedBySync;
      return alreadyHandled ? { outcome: 'unchanged' } : { outcome: 'deleted' };
    }
    if (upstream.kind === 'failed') return { outcome: 'failed', failure: upstream.failure };
    const missing = uniqueFields.find((field) => upstream.profile[field].trim() === '');
    if (missing) {
      return {
        outcome: 'failed',
        failure: {
          code: 'missing_attribute',
          message: `Azure AD has no value for the ${missing} under the current attribute mapping.`,
        },
      };
    }
    const changes = changesOf(user, upstream.profile);
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
