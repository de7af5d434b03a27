import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config';
import type { GuardedTransport } from '../../infra/outbound/guarded-transport';
import type { SyncRunView } from '../sync/runs/run-view';
import { sendRunSummary } from './email';
import { underPublicUrl } from './public-link';
import { deliverWebhook, webhookOrigin } from './webhook';

export interface NotificationTargets {
  webhookUrl: string | null;
  notifyEmails: string[];
}

export type NotificationChannel = 'webhook' | 'email';

/**
 * Tells the schedule's recipients that a scheduled run ended. Each channel fails alone, into the log and
 * `countFailure` (a metric): a dead webhook or mail server must never stop the scheduler or hide the run (it
 * is in the history). Links are absolute, under PUBLIC_URL: the recipients are outside the service.
 */
export async function notifyRunEnded(
  config: Config,
  log: FastifyBaseLogger,
  ended: SyncRunView,
  targets: NotificationTargets,
  countFailure: (channel: NotificationChannel) => void,
  transport: GuardedTransport,
): Promise<void> {
  const timeoutMs = config.NOTIFY_TIMEOUT_SECONDS * 1000;
  const run = { ...ended, url: underPublicUrl(config.PUBLIC_URL, ended.url) };
  const deliveries: Promise<void>[] = [];
  if (targets.webhookUrl) {
    const webhook = webhookOrigin(targets.webhookUrl);
    deliveries.push(
      deliverWebhook({ url: targets.webhookUrl, run, timeoutMs, transport }).then(
        () => log.info({ webhook }, 'posted the scheduled run to the webhook'),
        (error) => {
          countFailure('webhook');
          log.error({ err: error, webhook }, 'could not post the scheduled run to the webhook');
        },
      ),
    );
  }
  if (targets.notifyEmails.length > 0) {
    const recipients = targets.notifyEmails.length;
    if (!config.SMTP_URL) {
      countFailure('email');
      log.warn({ recipients }, 'scheduled run not emailed: SMTP_URL is not set');
    } else {
      const runLink = underPublicUrl(config.PUBLIC_URL, `history/${run.id}`);
      deliveries.push(
        sendRunSummary(
          { smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, timeoutMs },
          { to: targets.notifyEmails, run, runLink },
        ).then(
          () => log.info({ recipients }, 'emailed the scheduled run summary'),
          (error: Error) => {
            countFailure('email');
            // The message only: nodemailer's error object may echo the SMTP URL with its password.
            log.error({ recipients, reason: error.message }, 'could not email the scheduled run summary');
          },
        ),
      );
    }
  }
  await Promise.all(deliveries);
}
