// The Azure AD synchronization page: the imported users, a run's progress and its result.
export const sync = {
  blocked: {
    title: 'No user was deleted: too many deletions at once',
    wouldDelete:
      'This run would delete {wouldDelete} of the {selected} selected user. The sync policy holds deletions back when a run would delete more than {threshold}, in case Azure AD answered wrongly. The other changes were made. | This run would delete {wouldDelete} of the {selected} selected users. The sync policy holds deletions back when a run would delete more than {threshold}, in case Azure AD answered wrongly. The other changes were made.',
    threshold: '{percent}% of its selection and more than {users}',
    check:
      'Check the users under “Deleted”. If they really were removed from Azure AD, confirm to synchronize again with the deletions.',
    confirm: 'Confirm deletions',
  },
  summary: {
    modified: '{count} modified',
    deleted: '{count} deleted',
    duplicated: '{count} duplicated',
    unchanged: '{count} unchanged',
    failed: '{count} failed',
    and: '{rest} and {last}',
    dryRun: 'Dry run of {users}, nothing was changed: {counts}.',
    of: 'Of {users}: {counts}.',
    blocked: 'Of {users}: {counts}. No user was deleted yet: the deletions wait for confirmation.',
    mainFailure: 'Most common failure ({users}, {code}): {message}',
  },
  result: {
    blocked: 'Synchronization held back its deletions',
    failed: 'Synchronization failed',
    interrupted: 'Synchronization was interrupted',
    partial: 'Synchronization complete, but some users failed',
    dryRun: 'Dry run complete',
    complete: 'Synchronization complete',
    alreadyRunningShown:
      'Another synchronization was already running; showing it. Confirm again once it ends.',
    deletionsConfirmed: 'Deletions confirmed: the synchronization runs again.',
    openInHistory: 'Open in history',
    close: 'Close',
  },
  progress: {
    preparing: 'Preparing the selection…',
    checked: '{processed} of {total} users checked against Azure AD',
    region: 'Synchronization in progress',
    dryRunTitle: 'Dry run in progress',
    title: 'Synchronization in progress',
    startedBy: '{selection} · started by {requester} at {at}',
    bar: 'Synchronization progress',
  },
  page: {
    intro:
      'Users imported from the Azure AD tenant configured now{tenant}. Choose the users to synchronize: their username, name, email and contact number are read from Azure AD, and users deleted there are deleted here.',
    lostTrack: 'Lost track of the running synchronization: {error}',
    tryAgain: 'Try again',
    toolbar: 'Synchronization',
    search: 'Search imported users',
    searchPlaceholder: 'Search by username, name or email',
    selected: '{count} selected',
    noneSelected: 'No users selected',
    dryRun: 'Dry run (report only, change nothing)',
    synchronize: 'Synchronize',
    noConnection: 'No Azure AD connection is configured.',
    configure: 'Configure Azure AD in Settings',
    noMatch: 'No imported user matches “{search}”.',
    noneImported: 'No users have been imported from this tenant yet.',
    importUsers: 'Import users from Azure AD',
    alreadyRunningTitle: 'A synchronization is already running',
    alreadyRunning:
      'Started by {requester} at {at} for {selection}. Its progress is shown here; start yours when it ends.',
    alreadyRunningForUser:
      'Started by {requester} at {at} for {selection}. Its progress is shown here; synchronize {username} once it ends.',
  },
  /** A row's action on the Users page: a run for that one imported user. */
  userRow: {
    synchronize: 'Synchronize',
    synchronizeUser: 'Synchronize {username}',
  },
  table: {
    label: 'Imported Azure AD users',
    pages: 'Imported users pages',
    range: '{first}–{last} of {total}',
    selectPage: 'Select all users on this page',
    selectUser: 'Select {username}',
    lastSynchronized: 'Last synchronized',
  },
  banner: {
    allSelected: 'All {total} {which} are selected.',
    matching: 'matching “{search}”',
    fromTenant: 'imported from this tenant',
    pageSelected: 'The only user on this page is selected. | All {count} users on this page are selected.',
    selectAll: 'Select all {total} {which}',
    clear: 'Clear selection',
  },
} as const;
