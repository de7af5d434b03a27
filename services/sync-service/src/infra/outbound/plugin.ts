import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { OutboundPolicy } from './address-policy';
import { GuardedTransport } from './guarded-transport';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every request the service makes to another host goes through this (webhook, Entra ID, Graph). */
    outbound: GuardedTransport;
  }
}

export const outboundPlugin = fp(
  async (app: FastifyInstance) => {
    const policy = new OutboundPolicy(app.config.OUTBOUND_ALLOWED_NETWORKS, app.config.WEBHOOK_ALLOW_HTTP);
    const transport = new GuardedTransport(policy);
    app.decorate('outbound', transport);
    app.addHook('onClose', () => transport.close());
  },
  { name: 'outbound' },
);
