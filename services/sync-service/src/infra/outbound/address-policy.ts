import { BlockList, isIP } from 'node:net';

/**
 * Addresses outbound requests (webhook, Entra ID, Graph) do not reach unless an operator allows them:
 * this host, the link-local range with the cloud metadata service, private and shared networks, and
 * the special ranges an address of the internet never has. An IPv4-mapped IPv6 address
 * (::ffff:127.0.0.1) is checked as the IPv4 address it is.
 */
const REFUSED: Array<[network: string, prefix: number, type: 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network": 0.0.0.0 reaches the local host
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, 169.254.169.254 is the cloud metadata service
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['224.0.0.0', 3, 'ipv4'], // multicast, reserved, broadcast
  ['::', 96, 'ipv6'], // unspecified, loopback, IPv4-compatible
  ['::ffff:0:0:0', 96, 'ipv6'], // IPv4-translated (SIIT): any IPv4 address, private ones too
  ['64:ff9b::', 96, 'ipv6'], // NAT64: likewise
  ['2002::', 16, 'ipv6'], // 6to4: likewise
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const refused = new BlockList();
for (const [network, prefix, type] of REFUSED) refused.addSubnet(network, prefix, type);

const typeOf = (address: string) => (isIP(address) === 4 ? 'ipv4' : 'ipv6');

/** Parses `10.1.0.0/16`, `fd00::/8` or a single address; undefined when it is neither. */
export function parseNetwork(
  entry: string,
): { network: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [network, prefixText, ...rest] = entry.split('/');
  if (rest.length > 0 || !isIP(network)) return undefined;
  const type = typeOf(network);
  const max = type === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) return undefined;
  return { network, prefix, type };
}

/** The rule every outbound request follows; see "Outbound requests" in docs/reliability.md. */
export class OutboundPolicy {
  private readonly allowed = new BlockList();

  constructor(
    /** Networks an operator allows although they are refused by default (OUTBOUND_ALLOWED_NETWORKS). */
    allowedNetworks: readonly string[] = [],
    /** Whether a webhook may use plain http (WEBHOOK_ALLOW_HTTP). */
    readonly allowHttpWebhooks = false,
  ) {
    for (const entry of allowedNetworks) {
      const parsed = parseNetwork(entry);
      if (!parsed) throw new Error(`${entry} is not a network (address/prefix)`);
      this.allowed.addSubnet(parsed.network, parsed.prefix, parsed.type);
    }
  }

  /** Why a connection to this IP address is refused, or undefined when it is allowed. */
  addressRefusal(address: string): string | undefined {
    if (!isIP(address)) return `${address} is not an IP address.`;
    const type = typeOf(address);
    if (this.allowed.check(address, type) || !refused.check(address, type)) return undefined;
    return `${address} is a loopback, link-local or private address, which outbound requests do not reach unless OUTBOUND_ALLOWED_NETWORKS allows it.`;
  }

  /**
   * Why a request to `url` is refused before it is sent: its scheme, an address written in it, or
   * localhost. A host name is checked again, after DNS, when the connection is made.
   */
  urlRefusal(url: URL, allowHttp = false): string | undefined {
    if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
      return allowHttp ? 'Only http and https URLs are allowed.' : 'Only https URLs are allowed.';
    const host = url.hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
    if (host === 'localhost' || host.endsWith('.localhost')) return this.addressRefusal('127.0.0.1');
    return isIP(host) ? this.addressRefusal(host) : undefined;
  }
}

/** The error a refused connection fails with; its code survives the HTTP clients' wrapping. */
export class OutboundRefusal extends Error {
  readonly code = OUTBOUND_REFUSED;
  constructor(detail: string) {
    super(detail);
    this.name = 'OutboundRefusal';
  }
}

export const OUTBOUND_REFUSED = 'ERR_OUTBOUND_REFUSED';
