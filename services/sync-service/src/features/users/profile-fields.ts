/**
 * The profile fields that import and sync copy from Azure AD, declared once. The `users` columns and their
 * reads and writes, the Graph properties every user read selects, the default attribute mapping, the API's
 * views and which fields a sync compares all follow from this table. Adding a field: a row here, a migration
 * adding its column, and the field in openapi.yaml (see docs/architecture.md).
 */
export const profileFieldTable = {
  username: {
    column: 'username',
    graph: ['userPrincipalName'],
    optional: false,
    unique: true,
    sortable: true,
  },
  firstName: { column: 'first_name', graph: ['givenName'], optional: false, unique: false, sortable: true },
  lastName: { column: 'last_name', graph: ['surname'], optional: false, unique: false, sortable: true },
  email: {
    column: 'email',
    graph: ['mail', 'userPrincipalName'],
    optional: false,
    unique: true,
    sortable: true,
  },
  contactNumber: {
    column: 'contact_number',
    graph: ['mobilePhone', 'businessPhones'],
    optional: true,
    unique: false,
    sortable: false,
  },
} as const satisfies Record<string, ProfileFieldSpec>;

interface ProfileFieldSpec {
  /** Its column in `users` (text). */
  column: string;
  /** The Graph properties the default attribute mapping reads, in order: the first non-empty one wins. */
  graph: readonly string[];
  /** Stored as null when Azure AD has no value; a field that is not optional is stored as ''. */
  optional: boolean;
  /** Case-insensitively unique among all users (a unique index on its lower-cased column). */
  unique: boolean;
  /** The imported users' listing sorts by it (an index on tenant_id, its lower-cased column, id). */
  sortable: boolean;
}

type Table = typeof profileFieldTable;

export type ProfileField = keyof Table;

/** The fields in their order: the order of a sync's field changes. */
export const profileFields = Object.keys(profileFieldTable) as ProfileField[];

/** The synchronized profile fields, in the domain's words. */
export type UserProfile = {
  -readonly [F in ProfileField]: Table[F]['optional'] extends true ? string | null : string;
};

/** The same fields as stored in `users`. */
export type ProfileColumns = {
  -readonly [F in ProfileField as Table[F]['column']]: UserProfile[F];
};

/** The columns of the profile fields, in the fields' order. */
export const profileColumnNames = profileFields.map((field) => profileFieldTable[field].column);

/** Each field's column. */
export const profileColumnOf = Object.fromEntries(
  profileFields.map((field) => [field, profileFieldTable[field].column]),
) as Record<ProfileField, string>;

/** The fields no two users may share (case-insensitively): the keys sync exchanges and judges duplicates on. */
export type UniqueField = { [F in ProfileField]: Table[F]['unique'] extends true ? F : never }[ProfileField];

/** The fields the imported users' listing sorts by. */
export type SortableField = {
  [F in ProfileField]: Table[F]['sortable'] extends true ? F : never;
}[ProfileField];

export const sortableFields = profileFields.filter(
  (field): field is SortableField => profileFieldTable[field].sortable,
);

/** A Graph user property that the attribute mapping may read. */
export type GraphProperty = Table[ProfileField]['graph'][number] | 'displayName';

/**
 * Every Graph property a mapping may read: those of the default mapping, and the display name (which the
 * directory search shows anyway). User reads select them all, so a changed mapping needs no other read.
 */
export const mappableProperties: readonly GraphProperty[] = [
  ...new Set<GraphProperty>([
    ...profileFields.flatMap((field) => profileFieldTable[field].graph),
    'displayName',
  ]),
];

/** For each profile field, the Graph properties to read; the first non-empty one wins. */
export type AttributeMapping = Record<ProfileField, GraphProperty[]>;

export const defaultMapping = Object.fromEntries(
  profileFields.map((field) => [field, [...profileFieldTable[field].graph]]),
) as AttributeMapping;

/** A Graph user's mappable properties: texts, or lists of texts (businessPhones) of which the first is read. */
export type GraphUserAttributes = Partial<Record<GraphProperty, unknown>>;

function firstValue(user: GraphUserAttributes, properties: readonly GraphProperty[]): string | null {
  for (const property of properties) {
    const held = user[property];
    const value = Array.isArray(held) ? held[0] : held;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

/** Each field with its declaration, in the fields' order: what the per-user conversions below walk. */
const fieldSpecs = profileFields.map((field) => ({ field, ...profileFieldTable[field] }));

// The three conversions below run for every user a sync reads: plain loops into one object, no
// intermediate arrays (a sync of 100,000 users spends measurably more in Object.fromEntries).

/** Turns a directory user into the reporting server's profile fields. */
export function mapProfile(user: GraphUserAttributes, mapping: AttributeMapping): UserProfile {
  const profile: Record<string, string | null> = {};
  for (const { field, optional } of fieldSpecs)
    profile[field] = firstValue(user, mapping[field]) ?? (optional ? null : '');
  return profile as UserProfile;
}

export function profileOf(row: ProfileColumns): UserProfile {
  const profile: Record<string, string | null> = {};
  for (const { field, column } of fieldSpecs) profile[field] = row[column];
  return profile as UserProfile;
}

export function profileColumns(profile: UserProfile): ProfileColumns {
  const columns: Record<string, string | null> = {};
  for (const { field, column } of fieldSpecs) columns[column] = profile[field];
  return columns as ProfileColumns;
}
