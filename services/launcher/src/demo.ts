import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator } from '@adsync/tenant-sim';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const DEMO_GROUPS = 36;

interface DemoIdentity {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  adminPassword: string;
}

/**
 * The demo tenant and administrator are generated once per data directory and reused, so the connection
 * stored in the embedded database stays valid across restarts of the demo.
 */
function demoIdentity(dataDir: string): DemoIdentity {
  const file = path.join(dataDir, 'demo.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const identity: DemoIdentity = {
    tenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: `demo~${randomBytes(24).toString('base64url')}`,
    adminPassword: randomBytes(9).toString('base64url'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(identity, null, 2), { mode: 0o600 });
  return identity;
}

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const simPort = Number(process.env.SIM_PORT ?? 3443);
  const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(repoRoot, '.data', 'demo'));
  const userCount = Number(process.env.DEMO_TENANT_USERS ?? 300);
  const identity = demoIdentity(dataDir);
  const adminUsername = process.env.ADMIN_USERNAME ?? 'admin';
  const adminPassword = process.env.ADMIN_PASSWORD ?? identity.adminPassword;

  const simulator = await startSimulator({
    port: simPort,
    tenants: [
      {
        tenantId: identity.tenantId,
        clientId: identity.clientId,
        clientSecret: identity.clientSecret,
        domain: 'contoso.example',
        userCount,
        seed: 42,
        // A few dozen groups: All Staff holds everyone, Engineering nests Engineering Platform.
        groupCount: DEMO_GROUPS,
        // All Staff's members span several /groups/delta pages, as a large group's do on Graph.
        maxDeltaMembersPerPage: 100,
      },
    ],
  });

  // The service trusts the simulator's CA the standard way: NODE_EXTRA_CA_CERTS, set as it starts.
  // The heap ceiling of `npm start -w @adsync/service` (docs/architecture.md, "Memory").
  const serverArgs = [
    '--max-old-space-size=1536',
    path.join(repoRoot, 'services/sync-service/dist/src/server.js'),
  ];
  const service = spawn(process.execPath, serverArgs, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_USERNAME: adminUsername,
      ADMIN_PASSWORD: adminPassword,
      NODE_EXTRA_CA_CERTS: simulator.caCertPath,
      AZURE_AD_TENANT_ID: identity.tenantId,
      AZURE_AD_CLIENT_ID: identity.clientId,
      AZURE_AD_CLIENT_SECRET: identity.clientSecret,
      AZURE_AD_AUTHORITY_HOST: simulator.authorityHost,
      AZURE_AD_GRAPH_BASE_URL: simulator.graphBaseUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
  });

  process.stdout.write(
    [
      '',
      `Simulated Azure AD tenant (${userCount} people, ${DEMO_GROUPS} groups) at ${simulator.url}`,
      `  tenant id ${identity.tenantId}, client id ${identity.clientId}`,
      `  change its users and groups with the admin API: ${simulator.url}/_sim (see services/tenant-sim/README.md)`,
      `Open http://127.0.0.1:${port} and sign in as "${adminUsername}" with password "${adminPassword}"`,
      '',
    ].join('\n'),
  );

  const stop = async (code: number) => {
    service.kill('SIGTERM');
    await simulator.close();
    process.exit(code);
  };
  service.on('exit', (code) => void stop(code ?? 1));
  process.on('SIGINT', () => service.kill('SIGINT'));
  process.on('SIGTERM', () => service.kill('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
