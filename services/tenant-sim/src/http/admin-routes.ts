import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FaultRule } from '../control/faults';
import type { SimRoute } from '../control/routes';
import type { SimulatorControl } from '../control/simulator-control';
import type { NewMember, TenantControl, TenantSettings } from '../control/tenant-control';
import type { GroupChanges } from '../directory/group-record';
import { DirectoryChangeError } from '../directory/seeded-store';
import type { UserChanges } from '../directory/user-record';

type TenantParams = { tenantId: string };
type UserParams = { tenantId: string; id: string };
type GroupParams = { tenantId: string; id: string };
type MemberParams = { tenantId: string; id: string; memberId: string };

/**
 * The simulator's own admin API under `/_sim`: plain JSON, no Graph auth, and nothing Graph would
 * serve, so a client under test can never reach it by accident.
 */
export function registerAdminRoutes(app: FastifyInstance, simulator: SimulatorControl): void {
  const withTenant = (tenantId: string, reply: FastifyReply): TenantControl | undefined => {
    try {
      return simulator.tenant(tenantId);
    } catch {
      reply.code(404).send({ error: `Unknown tenant ${tenantId}` });
      return undefined;
    }
  };

  app.setErrorHandler((error, request, reply) => {
    if (!request.url.startsWith('/_sim')) return reply.send(error);
    const status =
      error instanceof DirectoryChangeError
        ? error.status
        : ((error as { statusCode?: number }).statusCode ?? 500);
    return reply.code(status).send({ error: (error as Error).message });
  });

  app.get('/_sim/tenants', async () =>
    simulator.tenants.map(({ tenantId, clientId, domain, userCount }) => ({
      tenantId,
      clientId,
      domain,
      userCount,
    })),
  );
  app.get('/_sim/stats', async () => simulator.stats());
  app.delete('/_sim/stats', async (_request, reply) => {
    simulator.resetStats();
    return reply.code(204).send();
  });
  app.post('/_sim/reset', async (_request, reply) => {
    simulator.reset();
    return reply.code(204).send();
  });

  app.get('/_sim/faults', async () => simulator.faults());
  app.put<{ Body: FaultRule[] }>('/_sim/faults', async (request) => {
    simulator.setFaults(Array.isArray(request.body) ? request.body : []);
    return simulator.faults();
  });
  app.post<{ Body: FaultRule }>('/_sim/faults', async (request) => {
    simulator.addFault(request.body);
    return simulator.faults();
  });
  app.delete('/_sim/faults', async (_request, reply) => {
    simulator.clearFaults();
    return reply.code(204).send();
  });
  app.put<{ Body: { ms: number; route?: SimRoute | '*' } }>('/_sim/latency', async (request, reply) => {
    simulator.setLatency(Number(request.body?.ms ?? 0), request.body?.route);
    return reply.code(204).send();
  });

  app.patch<{ Params: TenantParams; Body: TenantSettings }>(
    '/_sim/tenants/:tenantId',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      tenant.configure(request.body ?? {});
      return reply.code(204).send();
    },
  );
  app.post<{ Params: TenantParams; Body: { newSecret?: string } | undefined }>(
    '/_sim/tenants/:tenantId/revoke-secret',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      return { clientSecret: tenant.revokeSecret(request.body?.newSecret) };
    },
  );
  app.post<{ Params: TenantParams }>(
    '/_sim/tenants/:tenantId/expire-access-tokens',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      tenant.expireAccessTokens();
      return reply.code(204).send();
    },
  );
  app.post<{ Params: TenantParams }>(
    '/_sim/tenants/:tenantId/expire-delta-tokens',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      tenant.expireDeltaTokens();
      return reply.code(204).send();
    },
  );

  app.get<{ Params: UserParams }>('/_sim/tenants/:tenantId/users/:id', async (request, reply) => {
    const tenant = withTenant(request.params.tenantId, reply);
    if (!tenant) return reply;
    const key = /^\d+$/.test(request.params.id) ? Number(request.params.id) : request.params.id;
    const stored = tenant.user(key);
    if (!stored) return reply.code(404).send({ error: `No user ${request.params.id}` });
    return stored;
  });
  app.post<{ Params: TenantParams; Body: UserChanges & { userPrincipalName: string } }>(
    '/_sim/tenants/:tenantId/users',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      return reply.code(201).send(tenant.createUser(request.body ?? ({} as never)));
    },
  );
  app.patch<{ Params: UserParams; Body: UserChanges }>(
    '/_sim/tenants/:tenantId/users/:id',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      return tenant.updateUser(request.params.id, request.body ?? {});
    },
  );
  app.delete<{ Params: UserParams; Querystring: { mode?: string } }>(
    '/_sim/tenants/:tenantId/users/:id',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      if (request.query.mode === 'hard') tenant.hardDeleteUser(request.params.id);
      else tenant.softDeleteUser(request.params.id);
      return reply.code(204).send();
    },
  );
  app.post<{ Params: UserParams }>('/_sim/tenants/:tenantId/users/:id/restore', async (request, reply) => {
    const tenant = withTenant(request.params.tenantId, reply);
    if (!tenant) return reply;
    return tenant.restoreUser(request.params.id);
  });

  app.get<{ Params: GroupParams }>('/_sim/tenants/:tenantId/groups/:id', async (request, reply) => {
    const tenant = withTenant(request.params.tenantId, reply);
    if (!tenant) return reply;
    const key = /^\d+$/.test(request.params.id) ? Number(request.params.id) : request.params.id;
    const stored = tenant.group(key);
    if (!stored) return reply.code(404).send({ error: `No group ${request.params.id}` });
    return stored;
  });
  app.post<{ Params: TenantParams; Body: GroupChanges & { displayName: string } }>(
    '/_sim/tenants/:tenantId/groups',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      return reply.code(201).send(tenant.createGroup(request.body ?? ({} as never)));
    },
  );
  app.patch<{ Params: GroupParams; Body: GroupChanges }>(
    '/_sim/tenants/:tenantId/groups/:id',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      return tenant.updateGroup(request.params.id, request.body ?? {});
    },
  );
  app.delete<{ Params: GroupParams; Querystring: { mode?: string } }>(
    '/_sim/tenants/:tenantId/groups/:id',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      if (request.query.mode === 'hard') tenant.hardDeleteGroup(request.params.id);
      else tenant.softDeleteGroup(request.params.id);
      return reply.code(204).send();
    },
  );
  app.post<{ Params: GroupParams }>('/_sim/tenants/:tenantId/groups/:id/restore', async (request, reply) => {
    const tenant = withTenant(request.params.tenantId, reply);
    if (!tenant) return reply;
    return tenant.restoreGroup(request.params.id);
  });
  app.get<{ Params: GroupParams; Querystring: { transitive?: string } }>(
    '/_sim/tenants/:tenantId/groups/:id/members',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      return tenant.groupMembers(request.params.id, request.query.transitive === 'true');
    },
  );
  app.post<{ Params: GroupParams; Body: NewMember }>(
    '/_sim/tenants/:tenantId/groups/:id/members',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      return reply.code(201).send(tenant.addGroupMember(request.params.id, request.body ?? ({} as never)));
    },
  );
  app.delete<{ Params: MemberParams }>(
    '/_sim/tenants/:tenantId/groups/:id/members/:memberId',
    async (request, reply) => {
      const tenant = withTenant(request.params.tenantId, reply);
      if (!tenant) return reply;
      tenant.removeGroupMember(request.params.id, request.params.memberId);
      return reply.code(204).send();
    },
  );
}
