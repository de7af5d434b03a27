import type { UserProfile } from '../users/user';

export type GraphProperty =
  | 'userPrincipalName'
  | 'mail'
  | 'givenName'
  | 'surname'
  | 'displayName'
  | 'mobilePhone'
  | 'businessPhones';

/** For each profile field, the Graph properties to read; the first non-empty one wins. */
export type AttributeMapping = Record<keyof UserProfile, GraphProperty[]>;

export const defaultMapping: AttributeMapping = {
  username: ['userPrincipalName'],
  firstName: ['givenName'],
  lastName: ['surname'],
  email: ['mail', 'userPrincipalName'],
  contactNumber: ['mobilePhone', 'businessPhones'],
};

export type GraphUserAttributes = Partial<Record<Exclude<GraphProperty, 'businessPhones'>, string | null>> & {
  businessPhones?: string[] | null;
};

function firstValue(user: GraphUserAttributes, properties: GraphProperty[]): string | null {
  for (const property of properties) {
    const value = property === 'businessPhones' ? user.businessPhones?.[0] : user[property];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

/** Turns a directory user into the reporting server's profile fields. */
export function mapProfile(user: GraphUserAttributes, mapping: AttributeMapping): UserProfile {
  return {
    username: firstValue(user, mapping.username) ?? '',
    firstName: firstValue(user, mapping.firstName) ?? '',
    lastName: firstValue(user, mapping.lastName) ?? '',
    email: firstValue(user, mapping.email) ?? '',
    contactNumber: firstValue(user, mapping.contactNumber),
  };
}

/** Every Graph property any mapping may read, for `$select`. */
export function selectedProperties(mapping: AttributeMapping): GraphProperty[] {
  return [...new Set(Object.values(mapping).flat())];
}
