import { OUTBOUND_REFUSED } from '../outbound/address-policy';
import type { DirectoryFailure, DirectoryFailureCode } from './directory-types';

/**
 * What went wrong, reduced to facts a decision may rest on: HTTP status, Graph error code, AADSTS
 * numbers, transport error names. Messages from upstream are never inspected.
 */
export type FailureEvidence =
  /** Graph answered with an error status. */
  | { kind: 'graph'; status: number; graphCode?: string }
  /** Entra ID's token or discovery endpoint answered with an error. */
  | { kind: 'authority'; status: number; error?: string; aadstsCodes: number[] }
  /** Entra ID's endpoints could not be reached at all. */
  | { kind: 'authorityUnreachable'; transportCode?: string }
  /** Token acquisition failed and nothing was observed on the wire (e.g. a refused configuration). */
  | { kind: 'authentication'; errorName: string }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'network'; transportCode?: string }
  | { kind: 'unexpected'; detail: string };

export interface ClassifiedFailure extends DirectoryFailure {
  code: DirectoryFailureCode;
  /** Worth sending again after a delay. */
  retryable: boolean;
}

const AADSTS_TENANT_NOT_FOUND = [90002];
const AADSTS_UNKNOWN_CLIENT = [700016];
/** Invalid secret, expired secret, missing secret. */
const AADSTS_BAD_SECRET = [7000215, 7000222, 7000216];
const RETRYABLE_GRAPH_STATUSES = new Set([429, 503, 504]);

export function classifyFailure(evidence: FailureEvidence): ClassifiedFailure {
  switch (evidence.kind) {
    case 'graph':
      return classifyGraphStatus(evidence.status, evidence.graphCode);
    case 'authority':
      return classifyAuthority(evidence);
    case 'authorityUnreachable':
      return failure(
        'transient',
        'unreachable',
        true,
        reachFailure('Microsoft Entra ID', evidence.transportCode),
      );
    case 'authentication':
      return failure(
        'configuration',
        'authentication_failed',
        false,
        `Obtaining an access token failed (${evidence.errorName}).`,
      );
    case 'timeout':
      return failure('transient', 'timeout', true, 'Microsoft Graph did not answer in time.');
    case 'cancelled':
      return failure('transient', 'cancelled', false, 'The directory request was cancelled.');
    case 'network':
      return failure(
        'transient',
        'network_error',
        true,
        reachFailure('Microsoft Graph', evidence.transportCode),
      );
    case 'unexpected':
      return failure(
        'unknown',
        'unexpected_response',
        false,
        `Unexpected answer from Microsoft Graph: ${evidence.detail}.`,
      );
  }
}

function classifyGraphStatus(status: number, graphCode: string | undefined): ClassifiedFailure {
  const retryable = RETRYABLE_GRAPH_STATUSES.has(status);
  const upstream = graphCode ? ` (${graphCode})` : '';
  if (status === 429)
    return failure(
      'transient',
      'throttled',
      retryable,
      'Microsoft Graph kept throttling the requests (HTTP 429).',
      status,
    );
  if (status === 503 || status === 504) {
    return failure(
      'transient',
      'service_unavailable',
      retryable,
      `Microsoft Graph is unavailable (HTTP ${status})${upstream}.`,
      status,
    );
  }
  if (status >= 500)
    return failure(
      'transient',
      'server_error',
      false,
      `Microsoft Graph failed (HTTP ${status})${upstream}.`,
      status,
    );
  if (status === 401) {
    return failure(
      'configuration',
      'unauthorized',
      false,
      `Microsoft Graph refused the access token (HTTP 401)${upstream}.`,
      status,
    );
  }
  if (status === 403) {
    return failure(
      'configuration',
      'missing_permission',
      false,
      `The app lacks the User.Read.All application permission or its admin consent (HTTP 403)${upstream}.`,
      status,
    );
  }
  if (status === 404 && graphCode === 'Request_ResourceNotFound') {
    return failure('unknown', 'not_found', false, 'Microsoft Graph has no such object (HTTP 404).', status);
  }
  // Graph's words for a delta or skip token it no longer knows: the round must start over.
  if (
    status === 410 ||
    (status === 400 && (graphCode === 'syncStateNotFound' || graphCode === 'resyncRequired'))
  ) {
    return failure(
      'unknown',
      'delta_token_expired',
      false,
      `Microsoft Graph no longer knows the delta token (HTTP ${status})${upstream}; a full pass follows.`,
      status,
    );
  }
  if (status === 400)
    return failure(
      'unknown',
      'bad_request',
      false,
      `Microsoft Graph rejected the request (HTTP 400)${upstream}.`,
      status,
    );
  return failure(
    'unknown',
    'unexpected_response',
    false,
    `Unexpected answer from Microsoft Graph (HTTP ${status})${upstream}.`,
    status,
  );
}

function classifyAuthority(evidence: Extract<FailureEvidence, { kind: 'authority' }>): ClassifiedFailure {
  const has = (codes: number[]) => evidence.aadstsCodes.some((code) => codes.includes(code));
  const aadsts = evidence.aadstsCodes.length ? ` (AADSTS${evidence.aadstsCodes.join(', AADSTS')})` : '';
  if (has(AADSTS_TENANT_NOT_FOUND)) {
    return failure(
      'configuration',
      'tenant_not_found',
      false,
      `The tenant does not exist in this cloud${aadsts}.`,
      evidence.status,
    );
  }
  if (has(AADSTS_UNKNOWN_CLIENT)) {
    return failure(
      'configuration',
      'invalid_client',
      false,
      `No application with this client id exists in the tenant${aadsts}.`,
      evidence.status,
    );
  }
  if (has(AADSTS_BAD_SECRET)) {
    return failure(
      'configuration',
      'invalid_secret',
      false,
      `The client secret is wrong or expired${aadsts}.`,
      evidence.status,
    );
  }
  if (evidence.status === 429 || evidence.status >= 500) {
    return failure(
      'transient',
      'authority_unavailable',
      true,
      `Microsoft Entra ID is unavailable (HTTP ${evidence.status}).`,
      evidence.status,
    );
  }
  const error = evidence.error ? ` ${evidence.error}` : '';
  return failure(
    'configuration',
    'authentication_failed',
    false,
    `Microsoft Entra ID refused the credentials:${error}${aadsts}.`,
    evidence.status,
  );
}

const CERTIFICATE_ERROR = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_CERT_)/;

/**
 * Why `peer` could not be reached, in words an administrator can act on. A refused connection, a reset, a
 * port that does not speak TLS and one that does not answer read the same: telling them apart would
 * tell which ports of a host are open.
 */
export function reachFailure(peer: string, transportCode?: string): string {
  if (transportCode === OUTBOUND_REFUSED)
    return `${peer} is at an address outbound requests do not reach (loopback, link-local or private); an operator may allow its network with OUTBOUND_ALLOWED_NETWORKS.`;
  if (transportCode && CERTIFICATE_ERROR.test(transportCode))
    return `${peer} answered with a TLS certificate this service does not trust (${transportCode}).`;
  return `${peer} could not be reached over HTTPS.`;
}

function failure(
  category: DirectoryFailure['category'],
  code: DirectoryFailureCode,
  retryable: boolean,
  message: string,
  status?: number,
): ClassifiedFailure {
  return { category, code, retryable, message, ...(status === undefined ? {} : { status }) };
}

/** Public shape: drops the internal `retryable` flag. */
export function toDirectoryFailure({
  retryable: _retryable,
  ...failure
}: ClassifiedFailure): DirectoryFailure {
  return failure;
}
