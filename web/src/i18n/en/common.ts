// Words many pages share: counts, durations, the profile fields.
export const common = {
  count: {
    users: '{count} user | {count} users',
    groups: '{count} group | {count} groups',
    moreThanUsers: 'more than {count} user | more than {count} users',
  },
  duration: {
    seconds: '{seconds} s',
    minutes: '{minutes} min {seconds} s',
    hours: '{hours} h {minutes} min',
  },
  profileField: {
    username: 'Username',
    firstName: 'First name',
    lastName: 'Last name',
    email: 'Email',
    contactNumber: 'Contact number',
  },
} as const;
