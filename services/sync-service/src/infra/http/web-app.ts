import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isContractPath } from '../contract/plugin';

/**
 * Serves the built admin app at `/`. Any other GET that is not an API route gets index.html, so the SPA's
 * own routes survive a reload; API paths keep their problem+json 404.
 */
export const webAppPlugin = fp(
  async (app: FastifyInstance, { distDir }: { distDir: string }) => {
    const indexFile = path.join(distDir, 'index.html');
    if (!fs.existsSync(indexFile)) {
      app.log.warn({ distDir }, 'the web app is not built (npm run build); serving the API only');
      return;
    }
    await app.register(fastifyStatic, { root: distDir, wildcard: false, index: ['index.html'] });
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (isContractPath(request.url) || request.url.startsWith('/docs')) {
        return reply.callNotFound();
      }
      return reply.type('text/html').sendFile('index.html');
    });
  },
  { name: 'web-app' },
);
