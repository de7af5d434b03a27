import type { FastifyInstance } from 'fastify';
import { serve } from '../../infra/contract/serve';
import { Problem } from '../../infra/http/problem';
import { configuredTenantId } from '../settings/connection-repository';

export async function healthRoutes(app: FastifyInstance) {
  serve(app, 'get', '/healthz', async () => ({ status: 'ok' }));

  serve(app, 'get', '/readyz', async () => {
    try {
      await app.db.raw('select 1');
    } catch {
      throw new Problem(503, 'database_unavailable', 'Service unavailable', 'The database does not answer.');
    }
    const directory = (await configuredTenantId(app.db)) ? 'configured' : 'not_configured';
    return { status: 'ok', database: app.database.kind, directory };
  });
}
