import nodemailer from 'nodemailer';
import type { SyncRunView } from '../sync/run-view';

export interface MailSettings {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

export interface RunSummaryMail {
  to: string[];
  run: SyncRunView;
  /** Where the administrator opens the run in the web app. */
  runLink: string;
}

export function composeRunSummary({ run, runLink }: Omit<RunSummaryMail, 'to'>) {
  const { counts } = run;
  const subject = `Scheduled Azure AD sync ${run.status}: ${counts.modified} modified, ${counts.deleted} deleted, ${counts.duplicated} duplicated, ${counts.failed} failed`;
  const lines = [
    `The scheduled Azure AD sync ${run.id} ended ${run.status}.`,
    '',
    `Modified:   ${counts.modified}`,
    `Deleted:    ${counts.deleted}`,
    `Duplicated: ${counts.duplicated}`,
    `Unchanged:  ${counts.unchanged}`,
    `Failed:     ${counts.failed}`,
    '',
    ...(run.error ? [`Reason: ${run.error}`, ''] : []),
    ...(run.blocked
      ? [
          `Deletions are held back until an administrator confirms them (${run.blocked.wouldDelete} users).`,
          '',
        ]
      : []),
    `Open the run: ${runLink}`,
  ];
  return { subject, text: lines.join('\n') };
}

/** Sends the summary through the configured SMTP server, one message to every recipient. */
export async function sendRunSummary(settings: MailSettings, mail: RunSummaryMail): Promise<void> {
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  try {
    await transport.sendMail({ from: settings.from, to: mail.to, ...composeRunSummary(mail) });
  } finally {
    transport.close();
  }
}
