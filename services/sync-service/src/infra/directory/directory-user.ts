import type { DirectoryFailure, DirectoryUser } from './directory-types';

/** What the service reads of every user, whatever the mapping: who it is, and whether it may sign in. */
const BASE_PROPERTIES = ['id', 'userPrincipalName', 'displayName', 'accountEnabled'];

/** How users are read: the properties selected, and how an answer becomes a DirectoryUser. */
export interface UserReading {
  /** Always $select: it lowers the throttling cost and brings accountEnabled, which is not a default. */
  select: string;
  /** Maps a Graph user object as it is, unchecked (for display only); undefined when it lacks id or UPN. */
  toUser(raw: unknown): DirectoryUser | undefined;
  /** Maps a Graph user object as it enters the product, checked (see `DirectoryUserEntry`). */
  read(raw: unknown): DirectoryUserEntry | undefined;
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
  const toUser = (raw: unknown): DirectoryUser | undefined => {
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
  };
  return {
    select: selected.join(','),
    isComplete: (raw) => selected.every((property) => property in raw),
    toUser,
    read: (raw) => checked(toUser(raw)),
  };
}

/**
 * A Graph user object as it enters the product: mapped, and refused when an attribute holds a value the
 * database cannot store (`invalid_value`, naming the attribute and the character). Undefined when the
 * object lacks the fields that make it a user (id, userPrincipalName).
 */
export type DirectoryUserEntry =
  | { kind: 'user'; user: DirectoryUser }
  | { kind: 'refused'; id: string; failure: DirectoryFailure };

function checked(user: DirectoryUser | undefined): DirectoryUserEntry | undefined {
  if (!user) return undefined;
  const problem = unstorableAttribute(user);
  if (!problem) return { kind: 'user', user };
  return {
    kind: 'refused',
    id: user.id,
    failure: { category: 'unknown', code: 'invalid_value', message: `Azure AD attribute ${problem}.` },
  };
}

/** Longest attribute value stored, in UTF-8 bytes: four times Graph's longest (displayName, 256 characters). */
export const MAX_ATTRIBUTE_BYTES = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4). */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * What makes a value unstorable: NUL (PostgreSQL text and jsonb refuse it), a lone UTF-16 surrogate (jsonb
 * refuses it; text would silently store U+FFFD instead), or a length no Graph attribute has, which would
 * overflow an index entry. Checked on every attribute of every user a run reads: the common case (short,
 * well-formed) costs two scans and no allocation; the exact finding is looked for only when one fails.
 */
export function unstorableValue(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (!value.isWellFormed()) {
    const surrogate = LONE_SURROGATE.exec(value)?.[0] as string;
    return `contains a lone UTF-16 surrogate (${codePoint(surrogate)})`;
  }
  if (value.length * MAX_UTF8_BYTES_PER_UNIT <= MAX_ATTRIBUTE_BYTES) return null;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_ATTRIBUTE_BYTES)
    return `is ${bytes} bytes long (at most ${MAX_ATTRIBUTE_BYTES} are stored)`;
  return null;
}

function unstorableAttribute(user: DirectoryUser): string | null {
  for (const attribute in user) {
    const value = user[attribute];
    if (typeof value === 'string') {
      const problem = unstorableValue(value);
      if (problem) return `${attribute} ${problem}`;
    } else if (Array.isArray(value)) {
      for (const item of value) {
        const problem = unstorableValue(item);
        if (problem) return `${attribute} ${problem}`;
      }
    }
  }
  return null;
}

function codePoint(unit: string): string {
  return `U+${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
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
