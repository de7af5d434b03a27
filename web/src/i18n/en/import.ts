// Importing users from Azure AD.
export const directoryImport = {
  intro:
    'Search the users of the configured Azure AD tenant (names, emails and usernames starting with the text), pick the ones to bring into Bold Reports, and import them. A user whose email or username already belongs to a Bold Reports user is a duplicate and cannot be imported.',
  search: 'Search Azure AD users',
  searchPlaceholder: "Search Azure AD, e.g. “ada” or “ada{'@'}contoso.com”",
  searchAction: 'Search',
  selectAvailable: 'Select all available | Select the one available | Select all {count} available',
  clearSelection: 'Clear selection',
  importSelected: 'Import selected | Import {count} selected | Import {count} selected',
  imported: 'No user imported | {count} user imported | {count} users imported',
  label: 'Azure AD users',
  pages: 'Azure AD users pages',
  moreMatches:
    'More than {limit} Azure AD users match this search, and only the first {limit} are listed: refine the search to find the others.',
  noMatch: 'No Azure AD user matches this search.',
  searchFirst: 'Search to list Azure AD users.',
  status: {
    imported: 'Already imported',
    duplicate: 'Duplicate',
    available: 'Available',
  },
  sameAs: {
    email: 'Same email as {username} ({email})',
    username: 'Same username as {username} ({email})',
  },
  selectUser: 'Select {username}',
  column: {
    user: 'User',
    name: 'Name',
    status: 'Status',
    outcome: 'Outcome',
    details: 'Details',
  },
  outcome: {
    imported: 'Imported',
    already_imported: 'Already imported',
    duplicate: 'Duplicate',
    not_found: 'Not found in Azure AD',
    failed: 'Failed',
  },
  result: {
    title: 'Import finished',
    summary:
      '{imported} imported, {duplicate} refused as duplicates, {alreadyImported} already imported, {notFound} not found, {failed} failed.',
    outcomes: 'Outcome of each imported user',
    next: 'Go to Azure AD synchronization',
  },
} as const;
