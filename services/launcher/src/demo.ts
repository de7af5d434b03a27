import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ensureCertificates } from '@adsync/tenant-sim';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const DEMO_GROUPS = 36;
/** Lines of a child's output kept to say why it stopped. */
const LAST_LINES = 15;

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

/** One process of the demo (the simulator or the service), with the last lines of its that were shown. */
class DemoChild {
  readonly lastLines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    /** Each stdout line; answers whether to show it (stderr is always shown). */
    onStdout: (line: string) => boolean,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!onStdout(line)) return;
        this.keep(line);
        process.stdout.write(`${line}\n`);
      });
    }
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) => {
        this.keep(line);
        process.stderr.write(`${line}\n`);
      });
    }
  }

  private keep(line: string): void {
    if (line.trim() === '') return;
    this.lastLines.push(line);
    if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
  }
}

function describeExit(
  child: DemoChild,
  exit: { code: number | null; signal: NodeJS.Signals | null },
): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const lines = child.lastLines.length
    ? `Its last lines:\n${child.lastLines.map((line) => `  ${line}`).join('\n')}`
    : 'It wrote nothing.';
  return `\nThe ${child.name} stopped: it ${how}. ${lines}\nStopping the demo.\n`;
}

async function waitUntilReady(url: string, service: DemoChild): Promise<void> {
  let exited = false;
  void service.exited.then(() => {
    exited = true;
  });
  while (!exited) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const simPort = Number(process.env.SIM_PORT ?? 3443);
  const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(repoRoot, '.data', 'demo'));
  const userCount = Number(process.env.DEMO_TENANT_USERS ?? 300);
  const identity = demoIdentity(dataDir);
  const adminUsername = process.env.ADMIN_USERNAME ?? 'admin';
  const adminPassword = process.env.ADMIN_PASSWORD ?? identity.adminPassword;
  const caCertPath = ensureCertificates(process.env.SIM_CERT_DIR).caCertPath;
  const simulatorUrl = `https://127.0.0.1:${simPort}`;

  const children: DemoChild[] = [];
  let stopping = false;
  /**
   * Stops both children and exits. On Ctrl+C the terminal has signalled them already, so they get a moment
   * to stop on that one signal (a second would cut their graceful shutdown short) before SIGTERM.
   */
  const stopAll = async (code: number, graceMs = 0) => {
    stopping = true;
    const stopped = Promise.all(children.map((child) => child.exited));
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGTERM');
    await stopped;
    process.exit(code);
  };
  const watch = (child: DemoChild) => {
    children.push(child);
    void child.exited.then((exit) => {
      if (stopping) return;
      process.stderr.write(describeExit(child, exit));
      void stopAll(1);
    });
  };
  process.on('SIGINT', () => void stopAll(0, 3000));
  process.on('SIGTERM', () => void stopAll(0));

  // The simulator prints its own details when it listens; the demo prints them once, with the sign-in.
  let simulatorListening: () => void = () => {};
  const listening = new Promise<void>((resolve) => {
    simulatorListening = resolve;
  });
  const simulatorArgs = [
    path.join(repoRoot, 'services/tenant-sim/dist/cli.js'),
    'start',
    ...['--port', String(simPort), '--users', String(userCount), '--groups', String(DEMO_GROUPS)],
    ...['--tenant-id', identity.tenantId, '--client-id', identity.clientId],
    ...['--client-secret', identity.clientSecret, '--domain', 'contoso.example', '--seed', '42'],
    // All Staff's members span several /groups/delta pages, as a large group's do on Graph.
    ...['--delta-members-per-page', '100'],
  ];
  const simulator = new DemoChild(
    'simulated tenant (tenant-sim)',
    spawn(process.execPath, simulatorArgs, { stdio: ['ignore', 'pipe', 'pipe'] }),
    (line) => {
      if (line.startsWith('tenant-sim listening on')) simulatorListening();
      return false;
    },
  );
  watch(simulator);
  await listening;

  // The service trusts the simulator's CA the standard way: NODE_EXTRA_CA_CERTS, set as it starts.
  // The heap ceiling of `npm start -w @adsync/service` (docs/architecture.md, "Memory").
  const serverArgs = [
    '--max-old-space-size=1536',
    path.join(repoRoot, 'services/sync-service/dist/src/server.js'),
  ];
  // The service's own "ready" block would repeat the sign-in below: its lines up to the blank line are not shown.
  let inReadyBlock = false;
  const service = new DemoChild(
    'service (sync-service)',
    spawn(process.execPath, serverArgs, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        ADMIN_USERNAME: adminUsername,
        ADMIN_PASSWORD: adminPassword,
        NODE_EXTRA_CA_CERTS: caCertPath,
        AZURE_AD_TENANT_ID: identity.tenantId,
        AZURE_AD_CLIENT_ID: identity.clientId,
        AZURE_AD_CLIENT_SECRET: identity.clientSecret,
        AZURE_AD_AUTHORITY_HOST: simulatorUrl,
        AZURE_AD_GRAPH_BASE_URL: simulatorUrl,
        // The simulated tenant is not one of Microsoft's hosts: the demo allows it, as an operator would.
        AZURE_AD_ALLOWED_HOSTS: new URL(simulatorUrl).hostname,
        OUTBOUND_ALLOWED_NETWORKS: `${new URL(simulatorUrl).hostname}/32`,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    }),
    (line) => {
      if (line.startsWith('adsync ready at')) inReadyBlock = true;
      else if (inReadyBlock && line.trim() === '') inReadyBlock = false;
      return !inReadyBlock && line.trim() !== '';
    },
  );
  watch(service);

  const serviceUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${serviceUrl}/readyz`, service);
  if (stopping) return;
  process.stdout.write(
    [
      '',
      `adsync is ready: open ${serviceUrl} and sign in as "${adminUsername}" with password "${adminPassword}"`,
      `  API docs: ${serviceUrl}/docs`,
      `  simulated Azure AD tenant (${userCount} people, ${DEMO_GROUPS} groups) at ${simulatorUrl}`,
      `  change its users and groups with the admin API: ${simulatorUrl}/_sim (services/tenant-sim/README.md)`,
      `  stop with Ctrl+C; to start over, stop and delete ${dataDir}`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
