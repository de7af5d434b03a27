import type { UserProfile } from '../../src/features/users/user';

/** A user's profile named after `name`, as the unit tests of pure sync logic build them. */
export const profile = (name: string, overrides: Partial<UserProfile> = {}): UserProfile => ({
  username: `${name}@contoso.example`,
  firstName: name,
  lastName: 'Doe',
  email: `${name}@contoso.example`,
  contactNumber: null,
  ...overrides,
});
