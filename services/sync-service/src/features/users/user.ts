import { toIso } from '../../infra/db/iso-timestamps';
import { type ProfileColumns, profileOf, type UniqueField, type UserProfile } from './profile-fields';

export { profileColumns, profileOf, type UserProfile } from './profile-fields';

/** A user of the reporting server as stored. */
export type UserRow = ProfileColumns & {
  id: string;
  is_active: boolean;
  source: 'local' | 'azure_ad';
  object_id: string | null;
  tenant_id: string | null;
  /** Dates, or ISO 8601 text where the statement read them so (`isoText`). */
  last_synced_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

export type UserView = ReturnType<typeof userView>;

export function userView(row: UserRow) {
  return {
    id: row.id,
    ...profileOf(row),
    isActive: row.is_active,
    source: row.source,
    objectId: row.object_id,
    tenantId: row.tenant_id,
    lastSyncedAt: row.last_synced_at === null ? null : toIso(row.last_synced_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** A user outside a sync batch that holds one of the emails or usernames the batch wants. */
export type KeyHolder = Pick<UserProfile, UniqueField> & {
  id: string;
  /** An imported user of the synced tenant: a sync may still move it off the key. */
  mayMove: boolean;
};
