/**
 * The simulated tenant and the local webhook sinks listen on 127.0.0.1: the tests allow it through the
 * configuration, as the operator of the demo does. A test of the refusals overrides these.
 */
export const localPeersAllowed: Record<string, string> = {
  AZURE_AD_ALLOWED_HOSTS: '127.0.0.1',
  OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1/32',
  WEBHOOK_ALLOW_HTTP: 'true',
};
