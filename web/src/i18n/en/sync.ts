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
} as const;
