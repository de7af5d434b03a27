/**
 * Where the client secret and the access tokens may be sent: Microsoft's sign-in and Graph hosts of the
 * public cloud and the national clouds (US Government L4 and DoD, China operated by 21Vianet), and any
 * host an operator adds through AZURE_AD_ALLOWED_HOSTS (the simulator of the demo and the tests).
 */
export const MICROSOFT_AUTHORITY_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
] as const;

export const MICROSOFT_GRAPH_HOSTS = [
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
] as const;

/** The two endpoints of a connection that receive its credentials. */
export interface CloudEndpoints {
  authorityHost: string;
  graphBaseUrl: string;
}

export type EndpointField = keyof CloudEndpoints;

/** A host name as compared here: lower case, an IPv6 literal without its brackets. */
export const bareHostname = (url: URL) => url.hostname.toLowerCase().replace(/^\[|\]$/g, '');

/** Why `url` may not receive a connection's credentials, or undefined when it may. */
export function endpointRefusal(
  field: EndpointField,
  value: string,
  extraHosts: readonly string[],
): string | undefined {
  if (!URL.canParse(value)) return `${field} is not a URL.`;
  const url = new URL(value);
  if (url.protocol !== 'https:') return `${field} must use https.`;
  if (url.username || url.password) return `${field} may not carry a user name or password.`;
  const known: readonly string[] =
    field === 'authorityHost' ? MICROSOFT_AUTHORITY_HOSTS : MICROSOFT_GRAPH_HOSTS;
  const host = bareHostname(url);
  if (known.includes(host) || extraHosts.includes(host)) return undefined;
  return `${field} must be one of Microsoft's ${field === 'authorityHost' ? 'sign-in' : 'Graph'} hosts (${known.join(', ')}); an operator may allow more with AZURE_AD_ALLOWED_HOSTS.`;
}
