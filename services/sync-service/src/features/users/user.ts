import type { Queryable } from '../../infra/db/queryable';

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

/** The columns of the `users` table. */
const tableColumns = [
  'id',
  'username',
  'first_name',
  'last_name',
  'email',
  'contact_number',
  'is_active',
  'source',
  'object_id',
  'tenant_id',
  'created_at',
  'updated_at',
] as const;

/** A user as read from `users`: its columns, and when it was last synchronized (migration 008). */
export function userColumns(db: Queryable) {
  return [
    ...tableColumns,
    db.raw('(select synced_at from user_sync_stamps where user_id = users.id) as last_synced_at'),
  ];
}

/** A user as read with its stamp joined (`join user_sync_stamps`): what a listing sorted by it needs. */
export const joinedUserColumns = [
  ...tableColumns.map((column) => `users.${column}`),
  'user_sync_stamps.synced_at as last_synced_at',
];

/**
 * A user as returned by the insert that created it: an imported user is stamped by the insert itself
 * (a trigger running at the end of the statement, so after RETURNING), at the transaction's time.
 */
export function insertedUserColumns(db: Queryable) {
  return [...tableColumns, db.raw("case when source = 'azure_ad' then now() end as last_synced_at")];
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

/** Escapes LIKE wildcards so a search matches its text literally. */
export function containsPattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
