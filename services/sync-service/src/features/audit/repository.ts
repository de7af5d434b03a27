import type { Queryable } from '../../infra/db/queryable';
import type { Actor } from '../auth/identity';

export type AuditAction =
  | 'settings.azure_ad.updated'
  | 'settings.sync_policy.updated'
  | 'settings.schedule.updated'
  | 'users.imported'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'groups.imported'
  | 'group.created'
  | 'group.updated'
  | 'group.deleted'
  | 'group.members_added'
  | 'group.member_removed'
  | 'sync.started'
  | 'sync.confirmed'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'administrator.signed_in';

export async function recordAudit(
  db: Queryable,
  actor: Actor,
  action: AuditAction,
  target: string | null,
  details: Record<string, unknown> = {},
) {
  await db('audit_events').insert({
    actor: JSON.stringify(actor),
    action,
    target,
    details: JSON.stringify(details),
  });
}

interface AuditRow {
  id: string;
  at: Date;
  actor: Actor;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export async function listAuditEvents(db: Queryable, limit: number, beforeId: string | null) {
  const rows: AuditRow[] = await db('audit_events')
    .modify((query) => {
      if (beforeId) query.where('id', '<', beforeId);
    })
    .orderBy('id', 'desc')
    .limit(limit + 1);
  return {
    items: rows.slice(0, limit).map((row) => ({
      id: String(row.id),
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      target: row.target,
      details: row.details,
    })),
    nextCursor: rows.length > limit ? String(rows[limit - 1].id) : null,
  };
}
