export { type CertificateFiles, DEFAULT_CERT_DIR, ensureCertificates } from './certificates';
export type { FaultRule } from './control/faults';
export type { SimRoute } from './control/routes';
export type { TenantOptions } from './control/sim-tenant';
export type { SimulatorControl, TenantInfo } from './control/simulator-control';
export type { SimStats } from './control/stats';
export type { NewMember, TenantControl, TenantSettings } from './control/tenant-control';
export type { StoredGroup } from './directory/group-directory';
export type { GroupChanges, GroupRecord, MemberKind, MemberRef } from './directory/group-record';
export type { StoredUser, UserState } from './directory/tenant-directory';
export type { UserChanges, UserRecord } from './directory/user-record';
export {
  defaultTenant,
  type Simulator,
  type SimulatorOptions,
  seededTenant,
  startSimulator,
} from './simulator';
