#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_CERT_DIR, ensureCertificates } from './certificates';
import { defaultTenant, startSimulator } from './simulator';

/** Fixed defaults so a demo's saved connection settings survive simulator restarts. */
const DEMO_TENANT = {
  tenantId: 'b5a1f3c2-7d4e-4f60-9a8b-1c2d3e4f5a6b',
  clientId: '4d3c2b1a-6f5e-4a7b-8c9d-0e1f2a3b4c5d',
  clientSecret: 'tenant-sim-demo-secret',
};

const USAGE = `Usage:
  tenant-sim ensure-ca [dir]      create (or reuse) the CA and server certificate; prints the ca.pem path
  tenant-sim start [options]      run the simulator until interrupted

Options for start (environment variable in brackets):
  --host <host>                 [SIM_HOST]            default 127.0.0.1
  --port <port>                 [SIM_PORT]            default 3443 (0 = any free port)
  --users <n>                   [SIM_USERS]           seeded users, 10..1000000, default 1000
  --groups <n>                  [SIM_GROUPS]          seeded groups, 0..100000, default 36
  --group-size <n>              [SIM_GROUP_SIZE]      users in each seeded group but All Staff, default 20
  --group-memberships <n>       [SIM_GROUP_MEMBERSHIPS] user memberships over all seeded groups (overrides
                                                      --group-size; sizes vary around the average)
  --large-group-size <n>        [SIM_LARGE_GROUP_SIZE] users in All Staff, default every user
  --nested-groups <n>           [SIM_NESTED_GROUPS]   seeded groups holding another seeded group, default 1
  --tenant-id <guid>            [SIM_TENANT_ID]       default ${DEMO_TENANT.tenantId}
  --client-id <guid>            [SIM_CLIENT_ID]       default ${DEMO_TENANT.clientId}
  --client-secret <secret>      [SIM_CLIENT_SECRET]   default ${DEMO_TENANT.clientSecret}
  --domain <domain>             [SIM_DOMAIN]          default contoso.example
  --seed <n>                    [SIM_SEED]            default: derived from the tenant id
  --throttle <ru-per-10s>       [SIM_THROTTLE]        default: Graph's limit for the tenant size
  --latency <ms>                [SIM_LATENCY_MS]      default 0
  --empty-page-rate <0..1>      [SIM_EMPTY_PAGE_RATE] default 0
  --delta-members-per-page <n>  [SIM_DELTA_MEMBERS_PER_PAGE] members@delta per /groups/delta page, default 500
  --no-consent                  [SIM_NO_CONSENT=1]    Graph answers 403 (no User.Read.All consent)
  --no-group-consent            [SIM_NO_GROUP_CONSENT=1] group routes answer 403 (no GroupMember.Read.All)
  --cert-dir <dir>              [SIM_CERT_DIR]        default ${DEFAULT_CERT_DIR}

Clients must trust the CA: start them with NODE_EXTRA_CA_CERTS=<ca.pem path>.`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'ensure-ca') {
    process.stdout.write(
      `${ensureCertificates(rest[0] ?? process.env.SIM_CERT_DIR ?? DEFAULT_CERT_DIR).caCertPath}\n`,
    );
    return;
  }
  if (command !== 'start') {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command === undefined || command === '--help' ? 0 : 2;
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      users: { type: 'string' },
      groups: { type: 'string' },
      'group-size': { type: 'string' },
      'group-memberships': { type: 'string' },
      'large-group-size': { type: 'string' },
      'nested-groups': { type: 'string' },
      'tenant-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      domain: { type: 'string' },
      seed: { type: 'string' },
      throttle: { type: 'string' },
      latency: { type: 'string' },
      'empty-page-rate': { type: 'string' },
      'delta-members-per-page': { type: 'string' },
      'no-consent': { type: 'boolean' },
      'no-group-consent': { type: 'boolean' },
      'cert-dir': { type: 'string' },
    },
  });
  const env = process.env;
  const numberOf = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number, got '${value}'`);
    return parsed;
  };
  const userCount = numberOf(values.users ?? env.SIM_USERS, 'users') ?? 1000;
  if (!Number.isInteger(userCount) || userCount < 10 || userCount > 1_000_000) {
    throw new Error('users must be an integer from 10 to 1000000');
  }
  const groupCount = numberOf(values.groups ?? env.SIM_GROUPS, 'groups') ?? 36;
  if (!Number.isInteger(groupCount) || groupCount < 0 || groupCount > 100_000) {
    throw new Error('groups must be an integer from 0 to 100000');
  }
  const groupSize = numberOf(values['group-size'] ?? env.SIM_GROUP_SIZE, 'group-size') ?? 20;
  if (!Number.isInteger(groupSize) || groupSize < 0) throw new Error('group-size must be a whole number');
  const wholeNumber = (value: string | undefined, name: string): number | undefined => {
    const parsed = numberOf(value, name);
    if (parsed !== undefined && (!Number.isInteger(parsed) || parsed < 0)) {
      throw new Error(`${name} must be a whole number`);
    }
    return parsed;
  };
  const tenant = defaultTenant({
    ...DEMO_TENANT,
    userCount,
    groupCount,
    groupSize,
    groupMemberships: wholeNumber(
      values['group-memberships'] ?? env.SIM_GROUP_MEMBERSHIPS,
      'group-memberships',
    ),
    largeGroupSize: wholeNumber(values['large-group-size'] ?? env.SIM_LARGE_GROUP_SIZE, 'large-group-size'),
    nestedGroups: wholeNumber(values['nested-groups'] ?? env.SIM_NESTED_GROUPS, 'nested-groups'),
    domain: values.domain ?? env.SIM_DOMAIN ?? 'contoso.example',
    consented: !(values['no-consent'] ?? env.SIM_NO_CONSENT === '1'),
    groupsConsented: !(values['no-group-consent'] ?? env.SIM_NO_GROUP_CONSENT === '1'),
    emptyPageRate: numberOf(values['empty-page-rate'] ?? env.SIM_EMPTY_PAGE_RATE, 'empty-page-rate'),
    seed: numberOf(values.seed ?? env.SIM_SEED, 'seed'),
    maxDeltaMembersPerPage: numberOf(
      values['delta-members-per-page'] ?? env.SIM_DELTA_MEMBERS_PER_PAGE,
      'delta-members-per-page',
    ),
  });
  const tenantId = values['tenant-id'] ?? env.SIM_TENANT_ID;
  const clientId = values['client-id'] ?? env.SIM_CLIENT_ID;
  const clientSecret = values['client-secret'] ?? env.SIM_CLIENT_SECRET;
  if (tenantId) tenant.tenantId = tenantId;
  if (clientId) tenant.clientId = clientId;
  if (clientSecret) tenant.clientSecret = clientSecret;
  const throttle = numberOf(values.throttle ?? env.SIM_THROTTLE, 'throttle');

  const simulator = await startSimulator({
    host: values.host ?? env.SIM_HOST,
    port: numberOf(values.port ?? env.SIM_PORT, 'port') ?? 3443,
    certDir: values['cert-dir'] ?? env.SIM_CERT_DIR,
    latencyMs: numberOf(values.latency ?? env.SIM_LATENCY_MS, 'latency'),
    throttle: throttle === undefined ? undefined : { limitPer10s: throttle },
    tenants: [tenant],
  });
  const lines = [
    `tenant-sim listening on ${simulator.url} (${userCount} users, ${groupCount} groups, domain ${tenant.domain})`,
    `  tenant id:      ${tenant.tenantId}`,
    `  client id:      ${tenant.clientId}`,
    `  client secret:  ${tenant.clientSecret}`,
    `  authority host: ${simulator.authorityHost}`,
    `  Graph base URL: ${simulator.graphBaseUrl}`,
    `  CA certificate: ${simulator.caCertPath}  (clients: NODE_EXTRA_CA_CERTS=${simulator.caCertPath})`,
    `  admin API:      ${simulator.url}/_sim/stats, /_sim/faults, /_sim/tenants/${tenant.tenantId}/users/..., /groups/...`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`tenant-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
