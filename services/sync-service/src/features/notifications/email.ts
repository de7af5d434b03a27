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

type RunCounts = SyncRunView['counts'];
type GroupCounts = NonNullable<SyncRunView['groupCounts']>;

/** What the run's outcomes are of: its users, its groups, or both (a whole-directory run that covered groups). */
function objectsOf(run: SyncRunView) {
  // A run of groups deletes memberships; a whole-directory run's block may be of either kind.
  if (run.kind === 'groups') return { one: 'group', many: 'groups', deleted: 'memberships' };
  if (run.groupCounts?.groups)
    return { one: 'user or group', many: 'users or groups', deleted: 'users or memberships' };
  return { one: 'user', many: 'users', deleted: 'users' };
}

/** A run with failed users must not read like a success in a mail client's list of subjects. */
const statusWords = (run: SyncRunView) =>
  run.status === 'partial' ? `partial (some ${objectsOf(run).many} failed)` : run.status;

const outcomeLines = (counts: RunCounts) => [
  `Modified:        ${counts.modified}`,
  `Deleted:         ${counts.deleted}`,
  `Duplicated:      ${counts.duplicated}`,
  `Unchanged:       ${counts.unchanged}`,
  `Failed:          ${counts.failed}`,
];

const memberLines = (groupCounts: GroupCounts) => [
  `Members added:   ${groupCounts.membersAdded}`,
  `Members removed: ${groupCounts.membersRemoved}`,
  `Users created:   ${groupCounts.usersCreated}`,
];

/**
 * The run's figures: a run of users its users' outcomes; a run of groups its groups' outcomes and member
 * changes; a whole-directory run that covered groups both, each under its heading. A run that covered no
 * groups says nothing of them.
 */
function figureLines(run: SyncRunView): string[] {
  const { counts, groupCounts } = run;
  if (!groupCounts) return outcomeLines(counts);
  if (run.kind === 'groups') return ['Groups', ...outcomeLines(counts), ...memberLines(groupCounts)];
  return [
    'Users',
    ...outcomeLines(counts),
    '',
    'Groups',
    ...(groupCounts.groups ? outcomeLines(groupCounts.groups) : []),
    ...memberLines(groupCounts),
  ];
}

/** The subject's figures: the users' (or a run of groups' groups'), then a covered round's groups'. */
function subjectFigures(run: SyncRunView): string {
  const figures = ({ modified, deleted, duplicated, failed }: RunCounts) =>
    `${modified} modified, ${deleted} deleted, ${duplicated} duplicated, ${failed} failed`;
  const groups = run.groupCounts?.groups;
  if (run.kind === 'groups') return `groups ${figures(run.counts)}`;
  return groups ? `users ${figures(run.counts)}; groups ${figures(groups)}` : figures(run.counts);
}

export function composeRunSummary({ run, runLink }: Omit<RunSummaryMail, 'to'>) {
  const { mainFailure } = run;
  const objects = objectsOf(run);
  const subject = `Scheduled Azure AD sync ${statusWords(run)}: ${subjectFigures(run)}`;
  const lines = [
    `The scheduled Azure AD sync ${run.id} ended ${statusWords(run)}.`,
    '',
    ...figureLines(run),
    '',
    ...(run.error ? [`Reason: ${run.error}`, ''] : []),
    ...(mainFailure
      ? [
          `Most common failure: ${mainFailure.code}, ${mainFailure.count} ${mainFailure.count === 1 ? objects.one : objects.many} (${mainFailure.message})`,
          '',
        ]
      : []),
    ...(run.blocked
      ? [
          `Deletions are held back until an administrator confirms them (${run.blocked.wouldDelete} ${objects.deleted}).`,
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
