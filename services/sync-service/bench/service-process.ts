/**
 * The service as the benchmarks measure it: the built server (`npm run build`) in a process of its own,
 * started with the Node flags of `npm start`, reached over HTTP like any client. Its memory figures are read
 * from the kernel: VmRSS now, VmHWM (the peak resident set since the last reset) for a run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchDatabase } from './bench-database';
import type { SimProcess } from './simulator-process';

const packageDir = path.resolve(__dirname, '..');
const administrator = { username: 'admin', password: 'bench-password-123' };

/** `node <flags> dist/src/server.js` as the package's start script has it. */
function startCommand(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const [program, ...args] = String(manifest.scripts.start).split(/\s+/);
  if (program !== 'node') throw new Error(`unexpected start script: ${manifest.scripts.start}`);
  return args;
}

export interface RunBody {
  id: string;
  status: string;
  error: string | null;
  counts: Record<string, number>;
  progress: { processed: number };
  selection: { kind: string; pass?: string };
  groupCounts?: Record<string, number>;
}

export class ServiceProcess {
  private cookie = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * Starts the service on a free port against `database`, with the simulated tenant as its Azure AD; the build
   * of this package, or of the package in `build` (another checkout's, to compare with).
   */
  static async start(sim: SimProcess, database: BenchDatabase, build = packageDir): Promise<ServiceProcess> {
    const args = startCommand();
    if (!fs.existsSync(path.join(build, args[args.length - 1])))
      throw new Error(`the service is not built in ${build}: run npm run build there`);
    const child = spawn(process.execPath, args, {
      cwd: build,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        ...(database.url ? { DATABASE_URL: database.url } : {}),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        WEB_DIST_DIR: '/nonexistent',
        DATA_DIR: database.dataDir,
        ADMIN_USERNAME: administrator.username,
        ADMIN_PASSWORD: administrator.password,
        AZURE_AD_TENANT_ID: sim.tenantId,
        AZURE_AD_CLIENT_ID: sim.clientId,
        AZURE_AD_CLIENT_SECRET: sim.clientSecret,
        AZURE_AD_AUTHORITY_HOST: sim.url,
        AZURE_AD_GRAPH_BASE_URL: sim.url,
        AZURE_AD_ALLOWED_HOSTS: new URL(sim.url).hostname,
        OUTBOUND_ALLOWED_NETWORKS: `${new URL(sim.url).hostname}/32`,
      },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /adsync ready at (http:\/\/\S+)/.exec(output);
        if (ready) resolve(ready[1]);
      });
      child.once('exit', (code) => reject(new Error(`the service exited (${code}) before it was ready`)));
    });
    const service = new ServiceProcess(child, url);
    await service.signIn();
    return service;
  }

  private async signIn(): Promise<void> {
    const response = await fetch(`${this.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(administrator),
    });
    if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
    this.cookie = String(response.headers.get('set-cookie')).split(';')[0];
  }

  /** A request as the signed-in administrator. */
  async api(method: string, route: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${route}`, {
      method,
      headers: {
        cookie: this.cookie,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** The administrator's session cookie, for load generators. */
  get sessionCookie(): string {
    return this.cookie;
  }

  /**
   * Starts a run; resolves with it once it has ended, and the seconds from the request to its end.
   * `onProgress` sees the run's processed count at every poll (each 200 ms).
   */
  async sync(
    selection: unknown,
    options: { dryRun?: boolean; onProgress?: (processed: number) => void } = {},
  ): Promise<{ run: RunBody; seconds: number }> {
    const started = performance.now();
    const response = await this.api('POST', '/api/sync', { selection, dryRun: options.dryRun });
    if (response.status !== 202)
      throw new Error(`POST /api/sync: ${response.status} ${await response.text()}`);
    const { id } = (await response.json()) as RunBody;
    for (;;) {
      const run = (await (await this.api('GET', `/api/sync/runs/${id}`)).json()) as RunBody;
      options.onProgress?.(run.progress.processed);
      if (!['queued', 'running'].includes(run.status))
        return { run, seconds: (performance.now() - started) / 1000 };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private statusField(field: 'VmRSS' | 'VmHWM'): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kilobytes = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
    if (!kilobytes) throw new Error(`no ${field} in /proc/${this.child.pid}/status`);
    return Number(kilobytes) * 1024;
  }

  /** Resident set size now, in bytes. */
  rss(): number {
    return this.statusField('VmRSS');
  }

  /** The peak resident set size since the last `resetPeakRss()` (or the start), in bytes. */
  peakRss(): number {
    return this.statusField('VmHWM');
  }

  /**
   * The processor time the service has used since it started (user and system), in seconds: on a shared
   * machine it moves far less with the load than the time a run takes, so two builds compare by it too.
   */
  cpuSeconds(): number {
    return processCpuSeconds(this.child.pid as number);
  }

  /** Starts a new peak: the kernel sets VmHWM to the current RSS. */
  resetPeakRss(): void {
    fs.writeFileSync(`/proc/${this.child.pid}/clear_refs`, '5');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The processor time (user and system) process `pid` has used since it started, in seconds. */
export function processCpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses, in clock ticks (USER_HZ = 100).
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Starts measuring the processor time of the service and of the simulator (process `simPid`) and how busy the
 * machine is; the function it answers tells it since the start, as a line of a bench's report.
 */
export function processorTimeMeter(service: ServiceProcess, simPid: number): () => string {
  const before = {
    service: service.cpuSeconds(),
    sim: processCpuSeconds(simPid),
    machine: machineCpuSeconds(),
  };
  return () => {
    const machine = machineCpuSeconds();
    const busy = (machine.busy - before.machine.busy) / (machine.total - before.machine.total);
    return `service ${(service.cpuSeconds() - before.service).toFixed(1)} s, simulator ${(processCpuSeconds(simPid) - before.sim).toFixed(1)} s; the machine's ${os.cpus().length} cores ${(busy * 100).toFixed(0)} % busy (the database and anything else running)`;
  };
}

/** The whole machine's processor time so far, busy and in all, in seconds of one core (from /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / 100, total: (busy + idle + iowait) / 100 };
}
