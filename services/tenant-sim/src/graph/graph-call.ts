import type { SimTenant } from '../control/sim-tenant';

/** A Graph request, whether it arrived over HTTP or as an item of a $batch. */
export interface GraphCall {
  tenant: SimTenant;
  method: string;
  /** Path below the version segment, without leading slash, e.g. `users/delta`. */
  path: string;
  params: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** `https://host:port` as the client addressed us, for absolute nextLink/deltaLink URLs. */
  origin: string;
  clientRequestId?: string;
}

export function isEventual(call: GraphCall): boolean {
  return call.headers.consistencylevel?.toLowerCase() === 'eventual';
}

/** Continuation tokens are opaque to clients; base64url JSON keeps them URL-safe and debuggable. */
export function encodeToken(state: object): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeToken<T>(token: string): T | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Rebuilds a query string keeping `$` names readable and values percent-encoded. */
export function queryString(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}
