import dns from 'node:dns';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { type OutboundPolicy, OutboundRefusal } from './address-policy';

type LookupAddress = { address: string; family: number };

/**
 * Resolves like dns.lookup, then refuses the connection when any address the name resolves to is refused:
 * the check is made on the address the socket is about to connect to, so a name that resolves to a public
 * address when saved and to 127.0.0.1 later (DNS rebinding) is still refused.
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refusal = addresses.map(({ address }) => policy.addressRefusal(address)).find(Boolean);
      if (refusal) return callback(new OutboundRefusal(`${hostname}: ${refusal}`), '', 0);
      if (options.all)
        return (callback as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** An address written in the URL is connected to without a lookup: it is checked here. */
function literalRefusal(policy: OutboundPolicy, hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? policy.addressRefusal(host) : undefined;
}

/** Outbound HTTP of the service, held to the policy at connect time (fetch and Node https). */
export class GuardedTransport {
  private readonly lookup: LookupFunction;
  /** For fetch (undici): the webhook and Microsoft Graph. */
  readonly dispatcher: Agent;
  /** For Node's https module: @azure/identity's requests to Entra ID. */
  readonly httpsAgent: https.Agent;

  constructor(readonly policy: OutboundPolicy) {
    this.lookup = guardedLookup(policy);
    const connect = buildConnector({ lookup: this.lookup });
    this.dispatcher = new Agent({
      connect: (options, callback) => {
        const refusal = literalRefusal(policy, options.hostname);
        if (refusal) return callback(new OutboundRefusal(refusal), null);
        connect(options, callback);
      },
    });
    const agent = new https.Agent({ keepAlive: true, lookup: this.lookup });
    const createConnection = agent.createConnection.bind(agent);
    // Returning nothing and calling back with the error is how an agent fails a connection it cannot make.
    agent.createConnection = ((options: { host?: string }, callback: (error: Error | null) => void) => {
      const refusal = literalRefusal(policy, String(options.host ?? ''));
      if (!refusal) return createConnection(options, callback);
      callback(new OutboundRefusal(refusal));
      return undefined;
    }) as typeof agent.createConnection;
    this.httpsAgent = agent;
  }

  /** fetch through the guarded dispatcher; the URL's own address is checked before anything is sent. */
  fetch: typeof undiciFetch = (input, init) => undiciFetch(input, { ...init, dispatcher: this.dispatcher });

  async close(): Promise<void> {
    this.httpsAgent.destroy();
    await this.dispatcher.close();
  }
}
