// Names for the contract's schemas, so the app speaks in the domain's words. Generated from
// openapi.yaml: when the contract changes shape, everything that uses these fails the type-check.
import type { components, paths } from '@adsync/shared';

type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type ProblemCode = Schemas['ProblemCode'];
export type Identity = Schemas['Identity'];
export type Scope = Schemas['Scope'];
export type ApiKey = Schemas['ApiKey'];
export type ProfileField = Schemas['ProfileField'];
export type User = Schemas['User'];
export type UserSource = Schemas['UserSource'];
export type LocalUserInput = Schemas['LocalUserInput'];
export type LocalUserPatch = Schemas['LocalUserPatch'];
export type ImportedUserPage = Schemas['ImportedUserPage'];
export type ImportedGroupPage = Schemas['ImportedGroupPage'];
export type DuplicateOf = Schemas['DuplicateOf'];
export type DirectoryUser = Schemas['DirectoryUser'];
export type ImportResult = Schemas['ImportResult'];
export type ImportOutcome = ImportResult['results'][number]['outcome'];
export type AttributeMapping = Schemas['AttributeMapping'];
export type GraphProperty = Schemas['GraphPropertyList'][number];
export type AzureAdSettings = Schemas['AzureAdSettings'];
export type AzureAdSettingsInput = Schemas['AzureAdSettingsInput'];
export type ConnectionTestResult = Schemas['ConnectionTestResult'];
export type AzureAdConnectionValues = Schemas['AzureAdConnectionValues'];
export type SyncPolicy = Schemas['SyncPolicy'];
export type SyncSchedule = Schemas['SyncSchedule'];
export type SyncScheduleInput = Schemas['SyncScheduleInput'];
export type SyncOutcome = Schemas['SyncOutcome'];
export type SyncRunStatus = Schemas['SyncRunStatus'];
export type SyncSelection = Schemas['SyncSelection'];
export type SyncCounts = Schemas['SyncCounts'];
export type SyncRun = Schemas['SyncRun'];
export type SyncRunItem = Schemas['SyncRunItem'];
export type SyncRunItemPage = Schemas['SyncRunItemPage'];
export type FieldChange = Schemas['FieldChange'];

export type ImportedUserQuery = NonNullable<paths['/api/imported-users']['get']['parameters']['query']>;
export type ImportedUserSort = NonNullable<ImportedUserQuery['sort']>;
export type SortOrder = NonNullable<ImportedUserQuery['order']>;
export type ImportedGroupQuery = NonNullable<paths['/api/imported-groups']['get']['parameters']['query']>;
export type ImportedGroupSort = NonNullable<ImportedGroupQuery['sort']>;

export type Group = Schemas['Group'];
export type DirectoryGroup = Schemas['DirectoryGroup'];
export type GroupImportResult = Schemas['GroupImportResult'];
export type GroupImportResultItem = GroupImportResult['results'][number];
export type LocalGroupInput = Schemas['LocalGroupInput'];
export type SyncRunGroupItem = Schemas['SyncRunGroupItem'];
export type SyncRunGroupItemPage = Schemas['SyncRunGroupItemPage'];
export type GroupMemberRef = Schemas['GroupMemberRef'];
export type GroupFieldChange = Schemas['GroupFieldChange'];
export type GroupCounts = NonNullable<SyncRun['groupCounts']>;
export type SyncRunKind = NonNullable<SyncRun['kind']>;
