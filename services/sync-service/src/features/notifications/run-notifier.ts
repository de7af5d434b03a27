import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config';
import type { SyncRunView } from '../sync/run-view';
import { sendRunSummary } from './email';
import { deliverWebhook, webhookOrigin } from './webhook';

export interface NotificationTargets {
  webhookUrl: string | null;
  notifyEmails: string[];
}

/**
 * Tells the schedule's recipients that a scheduled run ended. Each channel fails alone and only into the
 * log: a dead webhook or mail server must never stop the scheduler or hide the run (it is in the history).
 */
export async function notifyRunEnded(
  config: Config,
  log: FastifyBaseLogger,
  run: SyncRunView,
  targets: NotificationTargets,
): Promise<void> {
  const timeoutMs = config.NOTIFY_TIMEOUT_SECONDS * 1000;
  const deliveries: Promise<void>[] = [];
  if (targets.webhookUrl) {
    const webhook = webhookOrigin(targets.webhookUrl);
    deliveries.push(
      deliverWebhook({ url: targets.webhookUrl, run, timeoutMs }).then(
        () => log.info({ webhook }, 'posted the scheduled run to the webhook'),
        (error) => log.error({ err: error, webhook }, 'could not post the scheduled run to the webhook'),
      ),
    );
  }
  if (targets.notifyEmails.length > 0) {
    const recipients = targets.notifyEmails.length;
    if (!config.SMTP_URL) {
      log.warn({ recipients }, 'scheduled run not emailed: SMTP_URL is not set');
    } else {
      const runLink = new URL(`/history/${run.id}`, config.PUBLIC_URL).toString();
      deliveries.push(
        sendRunSummary(
          { smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, timeoutMs },
          { to: targets.notifyEmails, run, runLink },
        ).then(
          () => log.info({ recipients }, 'emailed the scheduled run summary'),
          (error: Error) =>
            // The message only: nodemailer's error object may echo the SMTP URL with its password.
            log.error({ recipients, reason: error.message }, 'could not email the scheduled run summary'),
        ),
      );
    }
  }
  await Promise.all(deliveries);
}
