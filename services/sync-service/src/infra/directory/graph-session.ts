import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { OUTBOUND_REFUSED, OutboundRefusal } from '../outbound/address-policy';
import { AuthorityDiagnostics, transportCode } from './authority-diagnostics';
import { DirectoryError } from './directory-error';
import {
  type DirectoryClientOptions,
  type DirectoryConnection,
  type DirectoryLogger,
  type DirectoryStats,
  isNoTokenFailure,
} from './directory-types';
import { type UserReading, userReading } from './directory-user';
import {
  type ClassifiedFailure,
  classifyFailure,
  type FailureEvidence,
  toDirectoryFailure,
} from './failure-classification';
import { guardedAuthorityPolicy, guardedGraphMiddleware } from './guarded-graph-fetch';
import { RenewableCredential } from './renewable-credential';
import { retryDelayMs, sleep } from './retry-delay';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** Error names @azure/identity uses when no token could be obtained. */
const AUTHENTICATION_ERROR_NAMES = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
]);

const NO_LOGGER: DirectoryLogger = { debug: () => {}, warn: () => {} };

/** One tenant's authenticated Graph channel: SDK client, credential, retry budget and counters. */
export class GraphSession {
  readonly client: Client;
  readonly tokens: RenewableCredential;
  readonly counters: DirectoryStats = { requests: 0, throttled: 0, retries: 0 };
  readonly concurrency: number;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly logger: DirectoryLogger;
  readonly users: UserReading;
  readonly memberPageSize: number;
  private readonly diagnostics = new AuthorityDiagnostics();

  constructor(connection: DirectoryConnection, options: DirectoryClientOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxRetries = Math.max(0, options.maxRetries ?? 4);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.logger = options.logger ?? NO_LOGGER;
    this.users = userReading(options.userProperties ?? []);
    this.memberPageSize = Math.min(999, Math.max(1, options.memberPageSize ?? 999));
    const { transport } = options;
    this.tokens = new RenewableCredential(
      (): TokenCredential =>
        new ClientSecretCredential(connection.tenantId, connection.clientId, connection.clientSecret, {
          authorityHost: connection.authorityHost,
          // Instance discovery calls the public cloud, which national clouds and the simulator are not.
          disableInstanceDiscovery: true,
          additionalPolicies: [
            { policy: this.diagnostics.policy, position: 'perCall' },
            // perRetry runs after the redirect policy: every request sent, redirected ones too, is checked.
            ...(transport
              ? [{ policy: guardedAuthorityPolicy(transport), position: 'perRetry' as const }]
              : []),
          ],
          retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
        }),
    );
    const authProvider = new TokenCredentialAuthenticationProvider(this.tokens, { scopes: [GRAPH_SCOPE] });
    this.client = Client.initWithMiddleware({
      ...(transport ? { middleware: guardedGraphMiddleware(authProvider, transport) } : { authProvider }),
      baseUrl: connection.graphBaseUrl.replace(/\/+$/, ''),
      defaultVersion: 'v1.0',
      // The SDK only attaches the token to known Graph hosts or these (host names, no port).
      customHosts: new Set([new URL(connection.graphBaseUrl).hostname.replace(/^\[|\]$/g, '')]),
    });
  }

  /** SDK retries are switched off per request: this session retries, abortably and counted. */
  static noSdkRetries(): RetryHandlerOptions[] {
    return [new RetryHandlerOptions(0, 0)];
  }

  /**
   * Runs one Graph exchange with a timeout per attempt, retrying throttled, unavailable, timed-out
   * and dropped requests within the retry budget. A 401 from Graph drops the refused token and is
   * tried once more with a new one. Throws DirectoryError with the classified failure.
   */
  async send<T>(
    description: string,
    exchange: (signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    let renewedToken = false;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted)
        throw new DirectoryError(toDirectoryFailure(classifyFailure({ kind: 'cancelled' })));
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      this.counters.requests += 1;
      const tokenGeneration = this.tokens.generation;
      let failure: ClassifiedFailure;
      let retryAfter: string | null = null;
      try {
        // The race also bounds token acquisition, which the SDK performs without our signal.
        return await abortable(exchange(attemptSignal), attemptSignal);
      } catch (error) {
        const evidence = this.evidenceOf(error, {
          timedOut: timeout.aborted,
          cancelled: signal?.aborted === true,
        });
        failure = classifyFailure(evidence);
        retryAfter = error instanceof GraphError ? (error.headers?.get('Retry-After') ?? null) : null;
      }
      if (failure.code === 'throttled') this.counters.throttled += 1;
      // MSAL remembers a failed token request for 60 s and fails every request in that time without asking
      // Entra ID; this session's own backoff is what spaces the requests out, so each retry asks again.
      if (isNoTokenFailure(failure)) this.tokens.renew(tokenGeneration);
      if (failure.code === 'unauthorized' && !renewedToken && attempt < this.maxRetries) {
        renewedToken = true;
        this.tokens.renew(tokenGeneration);
        this.counters.retries += 1;
        this.logger.debug(
          { request: description, attempt },
          'Graph refused the access token; asking for a new one',
        );
        continue;
      }
      if (!failure.retryable || attempt >= this.maxRetries) {
        this.logger.warn(
          { request: description, code: failure.code, status: failure.status, attempt },
          'Graph request failed',
        );
        throw new DirectoryError(toDirectoryFailure(failure));
      }
      const delay = retryDelayMs(attempt, retryAfter);
      this.counters.retries += 1;
      this.logger.debug(
        { request: description, code: failure.code, delayMs: delay, attempt },
        'Retrying Graph request',
      );
      try {
        await sleep(delay, signal);
      } catch {
        throw new DirectoryError(toDirectoryFailure(classifyFailure({ kind: 'cancelled' })));
      }
    }
  }

  /** Acquires a token directly (testConnection), classifying failures with the authority's own codes. */
  async acquireToken(): Promise<ClassifiedFailure | undefined> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const tokenGeneration = this.tokens.generation;
    try {
      await abortable(this.tokens.getToken(GRAPH_SCOPE, { abortSignal: timeout }), timeout);
      return undefined;
    } catch (error) {
      const failure = classifyFailure(
        this.evidenceOf(error, { timedOut: timeout.aborted, cancelled: false }),
      );
      // As in send(): the next test asks Entra ID again instead of MSAL's memory of this failure.
      if (isNoTokenFailure(failure)) this.tokens.renew(tokenGeneration);
      return failure;
    }
  }

  evidenceOf(error: unknown, context: { timedOut: boolean; cancelled: boolean }): FailureEvidence {
    if (context.cancelled) return { kind: 'cancelled' };
    if (context.timedOut) return { kind: 'timeout' };
    if (error instanceof GraphError) {
      if (error.statusCode > 0)
        return { kind: 'graph', status: error.statusCode, graphCode: error.code ?? undefined };
      // Without a status the SDK wrapped a thrown error: its name is in `code`, or, when the error
      // came from another realm (fetch under jest), the error itself is in `body`.
      const cause = error.code ? undefined : (error.body as { name?: unknown; cause?: unknown } | null);
      const name = error.code ?? (typeof cause?.name === 'string' ? cause.name : undefined);
      if (name && AUTHENTICATION_ERROR_NAMES.has(name)) return this.authenticationEvidence(name);
      if (name === 'AbortError' || name === 'TimeoutError') return { kind: 'timeout' };
      if (name === OutboundRefusal.name) return { kind: 'network', transportCode: OUTBOUND_REFUSED };
      // fetch() rejects with a TypeError for every network-level failure (reset, refused, TLS).
      if (name === 'TypeError') return { kind: 'network', transportCode: transportCode(cause?.cause) };
      return { kind: 'unexpected', detail: name ?? 'an error without status' };
    }
    if (error instanceof Error && AUTHENTICATION_ERROR_NAMES.has(error.name))
      return this.authenticationEvidence(error.name);
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
      return { kind: 'timeout' };
    return { kind: 'unexpected', detail: error instanceof Error ? error.name : typeof error };
  }

  private authenticationEvidence(errorName: string): FailureEvidence {
    return this.diagnostics.latestFailure() ?? { kind: 'authentication', errorName };
  }
}

/** Rejects when `signal` aborts even if `work` ignores the signal (e.g. a hanging token request). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
