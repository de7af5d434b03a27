import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * Requests in flight together share one token request. MSAL caches a token once it has one, but
 * before that every parallel Graph request would ask Entra ID for its own (8 at the start of a sync).
 */
export class SingleFlightCredential implements TokenCredential {
  private pending: Promise<AccessToken | null> | undefined;

  constructor(private readonly inner: TokenCredential) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    this.pending ??= this.inner.getToken(scopes, options).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }
}
