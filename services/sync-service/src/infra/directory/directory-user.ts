import type { DirectoryUser } from './directory-types';

const SELECTED_PROPERTIES = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mobilePhone',
  'businessPhones',
  'accountEnabled',
];

/** Always $select: it lowers the throttling cost and brings accountEnabled, which is not a default. */
export const USER_SELECT = SELECTED_PROPERTIES.join(',');

/** Whether a Graph user object carries every selected property (null counts: it says the value is empty). */
export function hasEverySelectedProperty(raw: object): boolean {
  return SELECTED_PROPERTIES.every((property) => property in raw);
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Maps a Graph user object; undefined when it lacks the fields that make it a user (id, UPN). */
export function toDirectoryUser(raw: unknown): DirectoryUser | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const user = raw as Record<string, unknown>;
  if (typeof user.id !== 'string' || typeof user.userPrincipalName !== 'string') return undefined;
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: text(user.displayName),
    givenName: text(user.givenName),
    surname: text(user.surname),
    mail: text(user.mail),
    mobilePhone: text(user.mobilePhone),
    businessPhones: Array.isArray(user.businessPhones)
      ? user.businessPhones.filter((phone): phone is string => typeof phone === 'string')
      : [],
    accountEnabled: typeof user.accountEnabled === 'boolean' ? user.accountEnabled : null,
  };
}

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Entra object ids are GUIDs; anything else is refused before it reaches an OData literal. */
export function isObjectId(id: string): boolean {
  return OBJECT_ID.test(id);
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
