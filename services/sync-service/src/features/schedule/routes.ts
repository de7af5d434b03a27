import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { Problem } from '../../infra/http/problem';
import type { GuardedTransport } from '../../infra/outbound/guarded-transport';
import { recordAudit } from '../audit/repository';
import { actorOf, type Identity } from '../auth/identity';
import { identityOf } from '../auth/plugin';
import { webhookOrigin, webhookRefusal } from '../notifications/webhook';
import { checkCadence, nextOccurrence } from './cadence';
import {
  cadenceOf,
  loadSchedule,
  type ScheduleSettings,
  type ScheduleWithLastRun,
  saveSchedule,
} from './schedule-repository';

interface ScheduleInput {
  enabled: boolean;
  intervalMinutes?: number | null;
  cron?: string | null;
  timezone?: string | null;
  webhookUrl?: string | null;
  notifyEmails?: string[];
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/**
 * The schedule as the API shows it (schema SyncSchedule). The webhook URL may carry a token (chat webhooks
 * do, in the path or the query): a caller that cannot change the settings sees only where it points.
 */
export function scheduleView(row: ScheduleWithLastRun, viewer: Identity) {
  const canSeeWebhook = viewer.scopes.includes('settings:write');
  return {
    enabled: row.enabled,
    intervalMinutes: row.interval_minutes,
    cron: row.cron,
    timezone: row.timezone,
    webhookUrl: row.webhook_url && !canSeeWebhook ? webhookOrigin(row.webhook_url) : row.webhook_url,
    notifyEmails: row.notify_emails,
    nextRunAt: iso(row.next_run_at),
    lastRunId: row.last_run_id,
    lastRunAt: iso(row.last_run_at),
    lastRunStatus: row.last_run_status,
  };
}

function settingsOf(input: ScheduleInput, transport: GuardedTransport): ScheduleSettings {
  const cron = input.cron?.trim() || null;
  const intervalMinutes = input.intervalMinutes ?? null;
  if (cron !== null && intervalMinutes !== null)
    throw Problem.badRequest('invalid_schedule', 'Give either intervalMinutes or cron, not both.');
  if (input.enabled && cron === null && intervalMinutes === null)
    throw Problem.badRequest('invalid_schedule', 'An enabled schedule needs intervalMinutes or cron.');
  const settings: ScheduleSettings = {
    enabled: input.enabled,
    intervalMinutes,
    cron,
    timezone: input.timezone?.trim() || null,
    webhookUrl: input.webhookUrl?.trim() || null,
    notifyEmails: [...new Set((input.notifyEmails ?? []).map((email) => email.trim()))],
  };
  // The contract's `uri` format follows RFC 3986; fetch follows the WHATWG URL parser, which decides.
  if (settings.webhookUrl !== null && !URL.canParse(settings.webhookUrl))
    throw Problem.badRequest('invalid_webhook_url', 'The webhook URL cannot be parsed.');
  const refusal = settings.webhookUrl === null ? undefined : webhookRefusal(settings.webhookUrl, transport);
  if (refusal) throw Problem.badRequest('destination_not_allowed', `The webhook URL is refused: ${refusal}`);
  const cadence = cadenceOf({ interval_minutes: intervalMinutes, cron, timezone: settings.timezone });
  if (cadence) checkCadence(cadence);
  return settings;
}

/** Whether runs may start at other times than before: the schedule is enabled now, with a new cadence. */
function startsRunsDifferently(before: ScheduleWithLastRun, after: ScheduleSettings): boolean {
  if (!after.enabled) return false;
  return (
    !before.enabled ||
    before.interval_minutes !== after.intervalMinutes ||
    before.cron !== after.cron ||
    before.timezone !== after.timezone
  );
}

export async function scheduleRoutes(app: FastifyInstance) {
  serve(app, 'get', '/api/sync/schedule', async (request) =>
    scheduleView(await loadSchedule(app.db), identityOf(request)),
  );

  serve(app, 'put', '/api/sync/schedule', async (request) => {
    const identity = identityOf(request);
    const settings = settingsOf(request.body, app.outbound);
    const cadence = cadenceOf({
      interval_minutes: settings.intervalMinutes,
      cron: settings.cron,
      timezone: settings.timezone,
    });
    // Every edit restarts the count from now: the first run of a new cadence is one step away.
    const nextRunAt = settings.enabled && cadence ? nextOccurrence(cadence, new Date()) : null;
    return app.db.transaction(async (trx) => {
      const stored = await loadSchedule(trx);
      // A scheduled run is a whole-directory sync, which deletes: starting runs is what sync:run allows.
      if (startsRunsDifferently(stored, settings) && !identity.scopes.includes('sync:run')) {
        throw Problem.forbidden(
          'Enabling the schedule or changing when it runs starts syncs: this API key also needs the scope sync:run.',
        );
      }
      const before = scheduleView(stored, identity);
      await saveSchedule(trx, settings, nextRunAt);
      const after = scheduleView(await loadSchedule(trx), identity);
      await recordAudit(trx, actorOf(identity), 'settings.schedule.updated', 'sync-schedule', {
        before: auditedSettings(before),
        after: auditedSettings(after),
      });
      return after;
    });
  });
}

/** The webhook URL may carry a token (chat webhooks do): the audit trail keeps only where it points. */
function auditedSettings(view: ReturnType<typeof scheduleView>) {
  const { nextRunAt: _next, lastRunId: _id, lastRunAt: _at, lastRunStatus: _status, ...settings } = view;
  return { ...settings, webhookUrl: view.webhookUrl ? webhookOrigin(view.webhookUrl) : null };
}
