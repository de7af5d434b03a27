import nodemailer from 'nodemailer';
import type { SyncRunView } from '../sync/runs/run-view';

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

/** A run with failed users must not read like a success in a mail client's list of subjects. */
const statusWords = (status: SyncRunView['status']) =>
  status === 'partial' ? 'partial (some users failed)' : status;

export function composeRunSummary({ run, runLink }: Omit<RunSummaryMail, 'to'>) {
  const { counts, mainFailure } = run;
  const subject = `Scheduled Azure AD sync ${statusWords(run.status)}: ${counts.modified} modified, ${counts.deleted} deleted, ${counts.duplicated} duplicated, ${counts.failed} failed`;
  const lines = [
    `The scheduled Azure AD sync ${run.id} ended ${statusWords(run.status)}.`,
    '',
    `Modified:   ${counts.modified}`,
    `Deleted:    ${counts.deleted}`,
    `Duplicated: ${counts.duplicated}`,
    `Unchanged:  ${counts.unchanged}`,
    `Failed:     ${counts.failed}`,
    '',
    ...(run.error ? [`Reason: ${run.error}`, ''] : []),
    ...(mainFailure
      ? [`Most common failure: ${mainFailure.code}, ${mainFailure.count} users (${mainFailure.message})`, '']
      : []),
    ...(run.blocked
      ? [
          `Deletions are held back until an administrator confirms them (${run.blocked.wouldDelete} users).`,
          '',
        ]
      : []),
    `Open the run: ${runLink}`,
    `The run in the API: ${run.url}`,
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
