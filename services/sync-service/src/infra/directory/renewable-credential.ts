import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * The token source of one Graph session.
 * - Requests in flight together share one token request: MSAL caches a token once it has one, but before
 *   that every parallel Graph request would ask Entra ID for its own (8 at the start of a sync).
 * - A token Graph refused is dropped: MSAL would hand out its cached token until `expires_in`, even after
 *   Graph answered 401 for it (token revoked or invalidated early). `renew()` replaces the credential, and
 *   with it the cache, so the next request asks Entra ID for a new token.
 */
export class RenewableCredential implements TokenCredential {
  private inner: TokenCredential;
  private pending: Promise<AccessToken | null> | undefined;
  private currentGeneration = 0;

  constructor(private readonly create: () => TokenCredential) {
    this.inner = create();
  }

  /** Which credential hands out tokens now; a request notes it before it asks for a token. */
  get generation(): number {
    return this.currentGeneration;
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (!this.pending) {
      const request = this.inner.getToken(scopes, options).finally(() => {
        if (this.pending === request) this.pending = undefined;
      });
      this.pending = request;
    }
    return this.pending;
  }

  /**
   * Drops the cached token, unless a request that was refused together with this one already did: only the
   * first refusal of a generation renews, so eight parallel 401s cost one new token, not eight.
   */
  renew(refusedGeneration: number): void {
    if (refusedGeneration !== this.currentGeneration) return;
    this.currentGeneration += 1;
    this.inner = this.create();
    this.pending = undefined;
  }
}
