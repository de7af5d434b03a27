// The settings pages: what each field accepts, said at the field before anything is saved.
export const settings = {
  rule: {
    enterIdentifier: 'Enter the {what}, as shown on the app registration’s overview.',
    tenantIdWhat: 'directory (tenant) ID',
    tenantIdShape:
      'A tenant ID is a GUID or a domain such as contoso.onmicrosoft.com: letters, digits, dots and hyphens only.',
    clientIdWhat: 'application (client) ID',
    clientIdShape:
      'An application (client) ID is a GUID such as 1b4c2d3e-0000-4000-8000-123456789abc: letters, digits and hyphens only.',
    authorityHostWhat: 'authority host',
    graphBaseUrlWhat: 'Microsoft Graph base URL',
    enterEndpoint: 'Enter the {what}, such as {example}.',
    endpointShape: 'The {what} is an https:// address, such as {example}.',
    endpointUnreadable:
      'The {what} is an https:// address, such as {example}. This one cannot be read as an address.',
    clientSecretTooLong: 'A client secret is at most 500 characters long: paste its value, not its ID.',
    clientSecretAgain:
      'Enter the client secret again: the stored one is only sent to a new address with the change.',
    notTimeZone: '“{zone}” is not a time zone. Pick one from the list, such as Europe/Berlin.',
    enterCron:
      'Enter a cron expression. Write five fields, minute hour day-of-month month day-of-week (optionally seconds first), such as 0 2 * * * for every day at 02:00.',
    notCron:
      'This is not a cron expression. Write five fields, minute hour day-of-month month day-of-week (optionally seconds first), such as 0 2 * * * for every day at 02:00.',
    cronTooLong: 'A cron expression is at most 200 characters long.',
    cronNeverRuns: 'This expression never runs again.',
    intervalMinutes: 'Enter the minutes between runs: a whole number from 1 to {max}.',
    deletionThresholdMinCount: 'Enter a number of users: a whole number of 0 or more.',
    retainRuns: 'Enter how many finished runs to keep: a whole number from 1 to {max}.',
    deletionThresholdPercent: 'Enter a share from 0 to 100 percent.',
    webhookUrl:
      'The webhook URL is an http:// or https:// address, such as https://hooks.example.com/adsync.',
    notEmail: 'Not an email address: {addresses}.',
    tooManyEmails: 'At most 50 addresses can be told.',
  },
  connection: {
    notTested: 'Not tested: correct the fields marked below.',
  },
  schedule: {
    cronHelp: 'minute hour day-of-month month day-of-week',
    nextRuns: 'Next runs ({zone} time)',
    nextRunsPending: 'Shown once the expression is complete.',
  },
} as const;
