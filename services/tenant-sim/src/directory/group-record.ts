/** A directory group as the simulator stores and serves it (Graph's property names). */
export interface GroupRecord {
  id: string;
  /** Not unique: two groups of a tenant may share a name, as in Entra ID. */
  displayName: string;
  description: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  createdDateTime: string;
  deletedDateTime: string | null;
}

/** Fields an administrator of the simulated tenant may set on create/update. */
export type GroupChanges = Partial<Pick<GroupRecord, 'displayName' | 'description' | 'mailNickname'>>;

export const GROUP_PROPERTIES: ReadonlyArray<keyof GroupRecord> = [
  'id',
  'displayName',
  'description',
  'mailNickname',
  'mailEnabled',
  'securityEnabled',
  'createdDateTime',
  'deletedDateTime',
];

/** What Graph returns for a group when the request has no $select. */
export const DEFAULT_GROUP_PROPERTIES: ReadonlyArray<keyof GroupRecord> = GROUP_PROPERTIES.filter(
  (property) => property !== 'deletedDateTime',
);

/** Members that are neither users nor groups; Graph lists them under their own `@odata.type`. */
export type OtherMemberType = 'device' | 'servicePrincipal' | 'orgContact';
export const OTHER_MEMBER_TYPES: ReadonlyArray<OtherMemberType> = [
  'device',
  'servicePrincipal',
  'orgContact',
];

export interface OtherMemberRecord {
  id: string;
  type: OtherMemberType;
  displayName: string;
}

export type MemberKind = 'user' | 'group' | OtherMemberType;

/** A member of a group as the group holds it: which object, and of which kind. */
export interface MemberRef {
  id: string;
  kind: MemberKind;
}

export function odataTypeOf(kind: MemberKind): string {
  return `#microsoft.graph.${kind}`;
}
