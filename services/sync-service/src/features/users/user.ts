/** A user of the reporting server as stored. */
export interface UserRow {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  contact_number: string | null;
  is_active: boolean;
  source: 'local' | 'azure_ad';
  object_id: string | null;
  tenant_id: string | null;
  last_synced_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The synchronized profile fields, in the domain's words. */
export interface UserProfile {
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  contactNumber: string | null;
}

export type UserView = ReturnType<typeof userView>;

export function userView(row: UserRow) {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    contactNumber: row.contact_number,
    isActive: row.is_active,
    source: row.source,
    objectId: row.object_id,
    tenantId: row.tenant_id,
    lastSyncedAt: toIso(row.last_synced_at),
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
  };
}

function toIso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function profileOf(row: UserRow): UserProfile {
  return {
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    contactNumber: row.contact_number,
  };
}

export function profileColumns(profile: UserProfile) {
  return {
    username: profile.username,
    first_name: profile.firstName,
    last_name: profile.lastName,
    email: profile.email,
    contact_number: profile.contactNumber,
  };
}

/** A user outside a sync batch that holds one of the emails or usernames the batch wants. */
export interface KeyHolder {
  id: string;
  username: string;
  email: string;
  /** An imported user of the synced tenant: a sync may still move it off the key. */
  mayMove: boolean;
}
