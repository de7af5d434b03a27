/** A directory user as the simulator stores and serves it (Graph's property names). */
export interface UserRecord {
  id: string;
  userPrincipalName: string;
  mailNickname: string;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  otherMails: string[];
  mobilePhone: string | null;
  businessPhones: string[];
  accountEnabled: boolean;
  jobTitle: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  createdDateTime: string;
  deletedDateTime: string | null;
}

/** Fields an administrator of the simulated tenant may set on create/update. */
export type UserChanges = Partial<Omit<UserRecord, 'id' | 'createdDateTime' | 'deletedDateTime'>>;

export const USER_PROPERTIES: ReadonlyArray<keyof UserRecord> = [
  'id',
  'userPrincipalName',
  'mailNickname',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'otherMails',
  'mobilePhone',
  'businessPhones',
  'accountEnabled',
  'jobTitle',
  'officeLocation',
  'preferredLanguage',
  'createdDateTime',
  'deletedDateTime',
];

/** What Graph returns for a user when the request has no $select. */
export const DEFAULT_USER_PROPERTIES: ReadonlyArray<keyof UserRecord> = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
];
