import { toIso } from '../../infra/db/iso-timestamps';
/** A group of the reporting server as stored (migration 017). */
export interface GroupRow {
  id: string;
  name: string;
  description: string | null;
  source: 'local' | 'azure_ad';
  object_id: string | null;
  tenant_id: string | null;
  last_synced_at: Date | null;
  created_at: Date;
  updated_at: Date;
  member_count: number | string;
}

export type GroupView = ReturnType<typeof groupView>;

export function groupView(row: GroupRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    source: row.source,
    objectId: row.object_id,
    tenantId: row.tenant_id,
    memberCount: Number(row.member_count),
    lastSyncedAt: row.last_synced_at ? toIso(row.last_synced_at) : null,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** The existing group whose name a new or renamed group would take (names are unique case-insensitively). */
export interface GroupDuplicateOf {
  groupId: string;
  name: string;
}

/** Postgres unique violation on the name index, raised when a race beats the check. */
export function isGroupNameViolation(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'groups_name_unique';
}
