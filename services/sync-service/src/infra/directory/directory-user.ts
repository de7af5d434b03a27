import type { DirectoryUser } from './directory-types';

/** What the service reads of every user, whatever the mapping: who it is, and whether it may sign in. */
const BASE_PROPERTIES = ['id', 'userPrincipalName', 'displayName', 'accountEnabled'];

/** How users are read: the properties selected, and how an answer becomes a DirectoryUser. */
export interface UserReading {
  /** Always $select: it lowers the throttling cost and brings accountEnabled, which is not a default. */
  select: string;
  /** Maps a Graph user object; undefined when it lacks the fields that make it a user (id, UPN). */
  toUser(raw: unknown): DirectoryUser | undefined;
  /** Whether a Graph user object carries every selected property (null counts: it says the value is empty). */
  isComplete(raw: object): boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A selected property as read: a text, or a list of texts (businessPhones); null when empty or odd. */
function attribute(value: unknown): string | string[] | null {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return text(value);
}

/** Reads users with the base properties and `properties` (those the attribute mapping may read). */
export function userReading(properties: readonly string[]): UserReading {
  const selected = [...new Set([...BASE_PROPERTIES, ...properties])];
  const extra = selected.filter((property) => !BASE_PROPERTIES.includes(property));
  return {
    select: selected.join(','),
    isComplete: (raw) => selected.every((property) => property in raw),
    toUser(raw) {
      if (typeof raw !== 'object' || raw === null) return undefined;
      const user = raw as Record<string, unknown>;
      if (typeof user.id !== 'string' || typeof user.userPrincipalName !== 'string') return undefined;
      const read: DirectoryUser = {
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: text(user.displayName),
        accountEnabled: typeof user.accountEnabled === 'boolean' ? user.accountEnabled : null,
      };
      for (const property of extra) read[property] = attribute(user[property]);
      return read;
    },
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
