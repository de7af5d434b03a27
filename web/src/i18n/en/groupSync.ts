// Synchronizing imported Azure AD groups: the page, a run of groups' result and its group items.
export const groupSync = {
  page: {
    intro:
      'Groups imported from the Azure AD tenant configured now. Choose the groups to synchronize: their name and description are read from Azure AD, members added or removed there are added or removed here (a new member gets a user account), and groups deleted there are deleted here.',
    search: 'Search imported groups',
    noneSelected: 'No groups selected',
    noMatch: 'No imported group matches “{search}”.',
    noneImported: 'No groups have been imported from this tenant yet.',
  },
  table: {
    label: 'Imported Azure AD groups',
    pages: 'Imported groups pages',
    selectPage: 'Select all groups on this page',
    selectGroup: 'Select {name}',
  },
  banner: {
    pageSelected: 'The only group on this page is selected. | All {count} groups on this page are selected.',
  },
  summary: {
    dryRun: 'Dry run of {groups}, nothing was changed: {counts}.',
    of: 'Of {groups}: {counts}.',
    blocked:
      'Of {groups}: {counts}. No member was removed yet: the groups that would lose members wait for confirmation.',
    members: '{added}, {removed}, {created}.',
    directoryGroups: 'Of its imported groups: {counts}.',
    membersAdded: '{count} member added | {count} members added',
    membersRemoved: '{count} member removed | {count} members removed',
    usersCreated: '{count} user created | {count} users created',
  },
  blocked: {
    title: 'No member was removed: too many removals at once',
    resultTitle: 'Synchronization held back its member removals',
    wouldRemove:
      'This run would remove {wouldDelete} of the {selected} membership of the selected groups. The sync policy holds removals back when a run would remove more than {threshold}, in case Azure AD answered wrongly. The groups that lose no member were synchronized. | This run would remove {wouldDelete} of the {selected} memberships of the selected groups. The sync policy holds removals back when a run would remove more than {threshold}, in case Azure AD answered wrongly. The groups that lose no member were synchronized.',
    threshold: '{percent}% of its memberships and more than {memberships}',
    memberships: '{count} membership | {count} memberships',
    check:
      'Check the groups under “Modified” and “Deleted”. If their members really were removed in Azure AD, confirm to synchronize again with the removals.',
    confirm: 'Confirm removals',
  },
  progress: {
    checked: '{processed} of {total} groups read from Azure AD',
  },
  counts: {
    label: 'Member changes',
    membersAdded: 'Members added',
    membersRemoved: 'Members removed',
    usersCreated: 'Users created',
  },
  selection: {
    picked: '{groups} picked',
    pickedLeftOut: '{groups} picked, {leftOut} left out',
    allMatching: 'All groups matching “{search}” ({groups})',
    all: 'All imported groups ({groups})',
  },
  outcomeGroups: {
    modified: 'Modified groups',
    deleted: 'Deleted groups',
    duplicated: 'Duplicated groups',
    unchanged: 'Unchanged groups',
    failed: 'Failed groups',
  },
  searchOutcomeGroups: {
    modified: 'Search modified groups by name',
    deleted: 'Search deleted groups by name',
    duplicated: 'Search duplicated groups by name',
    unchanged: 'Search unchanged groups by name',
    failed: 'Search failed groups by name',
  },
  searchItemsPlaceholder: 'Search group name',
  outcomePages: {
    modified: 'Modified groups pages',
    deleted: 'Deleted groups pages',
    duplicated: 'Duplicated groups pages',
    unchanged: 'Unchanged groups pages',
    failed: 'Failed groups pages',
  },
  noOutcomeGroups: {
    modified: 'No modified groups in this run.',
    deleted: 'No deleted groups in this run.',
    duplicated: 'No duplicated groups in this run.',
    unchanged: 'No unchanged groups in this run.',
    failed: 'No failed groups in this run.',
  },
  chooseCount: 'Choose a count to see its groups.',
  partial: 'Synchronization complete, but some groups failed',
  someGroupsFailed: 'Some groups could not be synchronized',
  column: {
    group: 'Group (before the run)',
    changes: 'Changes',
    nameTakenBy: 'Name taken by',
    changesNotMade: 'Changes Azure AD asked for (not made)',
    membersRemoved: 'Members removed',
    reason: 'Reason',
  },
  item: {
    name: 'Name',
    description: 'Description',
    membersAdded: 'Members added',
    membersRemoved: 'Members removed',
    usersCreated: 'Users created',
    notAdded: 'Members not added',
    notAddedReason: '{member}: {reason}',
    heldBy: '{reason} (held by {holder})',
    unknownMember: 'a member without a user principal name',
  },
  history: {
    kind: 'Groups',
  },
  detail: {
    groups: 'Groups',
    rerun: 'Re-run failed and duplicated groups',
    rerunOf: 'Re-runs groups of {run}.',
  },
} as const;
