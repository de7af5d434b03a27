import type { GuardedTransport } from '../outbound/guarded-transport';
import type { DirectoryGroup } from './directory-group';
import type { GroupLookup, GroupMembers } from './read-group-members';
import type { GroupDeltaPage } from './read-groups-delta';
import type { WholeGroupRead, WholeGroupsOptions } from './read-groups-whole';
/** Where and as whom to reach a tenant's directory. */
export interface DirectoryConnection {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default https://login.microsoftonline.com (national clouds and the simulator override it). */
  authorityHost: string;
  /** Default https://graph.microsoft.com, without version segment. */
  graphBaseUrl: string;
}

export const PUBLIC_CLOUD = {
  authorityHost: 'https://login.microsoftonline.com',
  graphBaseUrl: 'https://graph.microsoft.com',
} as const;

/** A directory user as the product reads it (Graph property names). */
export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  accountEnabled: boolean | null;
  /** Every other selected property: a text, or a list of texts (businessPhones); null when empty. */
  [property: string]: string | string[] | boolean | null;
}

/**
 * Why a directory call did not give an answer. `transient`: try again later (throttling, outages,
 * timeouts); `configuration`: an administrator must fix the connection (secret, tenant, consent);
 * `unknown`: anything else. Never a reason to treat a user as deleted.
 */
export interface DirectoryFailure {
  category: 'transient' | 'configuration' | 'unknown';
  /** Callers branch on it, never on `message`; a 502 problem carries it as its `code`. */
  code: DirectoryFailureCode;
  /** HTTP status of the answer that failed, when there was one. */
  status?: number;
  /** For administrators; never contains the client secret. */
  message: string;
}

export type DirectoryFailureCode =
  | 'tenant_not_found'
  | 'invalid_client'
  | 'invalid_secret'
  | 'authentication_failed'
  | 'authority_unavailable'
  | 'unreachable'
  | 'unauthorized'
  | 'missing_permission'
  | 'throttled'
  | 'service_unavailable'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'cancelled'
  | 'bad_request'
  | 'not_found'
  | 'invalid_object_id'
  /** An attribute holds a value that cannot be stored (NUL, a lone surrogate, an absurd length). */
  | 'invalid_value'
  | 'delta_token_expired'
  | 'unexpected_response';

/** Only `notFound` (Graph's 404 Request_ResourceNotFound for that id) means "deleted upstream". */
export type UserLookup =
  | { kind: 'found'; user: DirectoryUser }
  | { kind: 'notFound' }
  | { kind: 'failed'; failure: DirectoryFailure };

export type ConnectionTest =
  /** `groupAccess`: why groups cannot be read while users can (GroupMember.Read.All missing), or null. */
  | { ok: true; sampleUser: DirectoryUser | null; groupAccess: DirectoryFailure | null }
  | { ok: false; failure: DirectoryFailure };

export interface DirectoryStats {
  /** HTTP requests sent to Graph (retries included). */
  requests: number;
  /** 429 answers seen, top-level or inside a batch. */
  throttled: number;
  /** Requests or batch items sent again after a retryable failure. */
  retries: number;
}

/** One page of a delta round. */
export interface DeltaPage {
  /** Users created, changed or restored, with every selected property (a round may repeat a user). */
  users: DirectoryUser[];
  /** Users whose attributes cannot be stored (`invalid_value`): they fail, the rest of the page goes on. */
  refused: Array<{ id: string; failure: DirectoryFailure }>;
  /**
   * Object ids of users changed whose entry lacks selected properties: Graph represents an update by the id
   * and "at least the properties that have been updated". Their state must be read by id.
   */
  partial: string[];
  /** `changed`: soft-deleted, restorable for 30 days; `deleted`: gone for good. */
  removed: Array<{ id: string; reason: 'changed' | 'deleted' }>;
  /** On the round's last page: the link that reads the next changes. */
  deltaLink?: string;
}

export interface DirectoryClient {
  /** Obtains a token and reads one user; says precisely what is wrong when it cannot. */
  testConnection(): Promise<ConnectionTest>;
  /** Users whose displayName, mail or userPrincipalName starts with `term`; throws DirectoryError. */
  searchUsers(term: string, limit: number): Promise<DirectoryUser[]>;
  /**
   * One lookup per distinct id, in $batch round trips of up to 300 ids. Never throws for Graph failures.
   * `seed` fixes which ids share a request (a run passes its id; random when absent).
   */
  readUsersByIds(ids: string[], signal?: AbortSignal, seed?: string): Promise<Map<string, UserLookup>>;
  /**
   * One round of `GET /users/delta`: from the start (every user) without a link, or the changes since
   * the round that handed out `deltaLink`. Throws DirectoryError; `delta_token_expired` means: start over.
   */
  readUsersDelta(deltaLink: string | null, signal?: AbortSignal): AsyncGenerator<DeltaPage>;
  /** Groups whose displayName starts with `term`, up to `limit`; throws DirectoryError. */
  searchGroups(term: string, limit: number): Promise<DirectoryGroup[]>;
  /** One group by object id; never throws for Graph failures. */
  readGroup(id: string): Promise<GroupLookup>;
  /** Every member of a group (transitive unless told otherwise); throws DirectoryError if any page fails. */
  readGroupMembers(
    id: string,
    options?: { transitive?: boolean; signal?: AbortSignal },
  ): Promise<GroupMembers>;
  /**
   * Groups with every page of their members (transitive unless told otherwise), batched: see readGroupsWhole.
   * Never throws for Graph failures: a group that could not be read whole is `failed`.
   */
  readGroupsWhole(ids: string[], options?: WholeGroupsOptions): Promise<Map<string, WholeGroupRead>>;
  /**
   * One round of `GET /groups/delta` with members: from the start (every group, all its members) without a
   * link, or the changes since the round that handed out `deltaLink`. Throws DirectoryError;
   * `delta_token_expired` means: start over.
   */
  readGroupsDelta(deltaLink: string | null, signal?: AbortSignal): AsyncGenerator<GroupDeltaPage>;
  stats(): DirectoryStats;
}

/** pino-compatible subset, so the service's Fastify logger can be passed as is. */
export interface DirectoryLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface DirectoryClientOptions {
  /** Graph properties read of every user besides id, userPrincipalName, displayName and accountEnabled. */
  userProperties?: readonly string[];
  /** Members per page of a group's member read (Graph's `$top`, at most and by default 999). */
  memberPageSize?: number;
  /** $batch requests in flight at once (default 4). */
  concurrency?: number;
  /** Retries of a throttled/unavailable request or batch item (default 4). */
  maxRetries?: number;
  /** Per HTTP request, token acquisition included (default 30 s). */
  timeoutMs?: number;
  logger?: DirectoryLogger;
  /** Holds every connection to Entra ID and Graph to the outbound policy (the app always gives one). */
  transport?: GuardedTransport;
}

const NO_TOKEN_CODES = new Set<string>(['authority_unavailable', 'unreachable']);

/** Entra ID issued no token: it failed (429, 5xx) or could not be reached. */
export function isNoTokenFailure(failure: DirectoryFailure): boolean {
  return NO_TOKEN_CODES.has(failure.code);
}

/**
 * True when the failure is the service's, not the user's: Azure AD refused the application (bad secret,
 * consent withdrawn) or no access token could be obtained. Every other request would fail the same way.
 */
export function isAccessFailure(failure: DirectoryFailure): boolean {
  return failure.category === 'configuration' || isNoTokenFailure(failure);
}
