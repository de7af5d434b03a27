import type { ClientSecretCredentialOptions } from '@azure/identity';
import {
  type AuthenticationProvider,
  type Context,
  type Middleware,
  MiddlewareFactory,
} from '@microsoft/microsoft-graph-client';
import { OutboundRefusal } from '../outbound/address-policy';
import type { GuardedTransport } from '../outbound/guarded-transport';

type PipelinePolicy = NonNullable<ClientSecretCredentialOptions['additionalPolicies']>[number]['policy'];

/**
 * The Graph SDK's last middleware, sending through the guarded transport instead of the global fetch:
 * the address in each URL (redirects included) is checked before sending, a host name when connecting.
 */
class GuardedFetchHandler implements Middleware {
  constructor(private readonly transport: GuardedTransport) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const refusal = this.transport.policy.urlRefusal(new URL(url));
    if (refusal) throw new OutboundRefusal(refusal);
    try {
      const response = await this.transport.fetch(url, context.options as never);
      context.response = response as unknown as Response;
    } catch (error) {
      // fetch reports every connection failure as "fetch failed": a refusal keeps its own name.
      const cause = (error as { cause?: unknown }).cause;
      throw cause instanceof OutboundRefusal ? cause : error;
    }
  }
}

/** The SDK's default middleware (auth, retry, redirect, telemetry) ending in the guarded fetch. */
export function guardedGraphMiddleware(
  authProvider: AuthenticationProvider,
  transport: GuardedTransport,
): Middleware[] {
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  chain[chain.length - 1] = new GuardedFetchHandler(transport);
  return chain;
}

/** Sends @azure/identity's requests (redirects included) through the guarded https agent. */
export function guardedAuthorityPolicy(transport: GuardedTransport): PipelinePolicy {
  return {
    name: 'adsyncOutboundGuard',
    sendRequest: async (request, next) => {
      const refusal = transport.policy.urlRefusal(new URL(request.url));
      if (refusal) throw new OutboundRefusal(refusal);
      request.agent = transport.httpsAgent;
      return next(request);
    },
  };
}
