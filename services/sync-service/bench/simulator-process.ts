/**
 * The simulator as the benchmarks run it: a child process of its own, so the service's figures are the
 * service's. Shared by the sync benchmarks (see benchmark.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { mappableProperties } from '../src/features/users/profile-fields';
import { userReading } from '../src/infra/directory/directory-user';
import { usersDeltaRound } from '../src/infra/directory/read-users-delta';

const simCli = path.resolve(__dirname, '..', '..', 'tenant-sim', 'src', 'cli.ts');

/** Node reads NODE_EXTRA_CA_CERTS only at start: unless it names the simulator's CA, run the script again with it. */
export function rerunTrustingSimulatorCa(scriptFile: string): void {
  const simulatorCa = spawnSync(process.execPath, ['--import', 'tsx', simCli, 'ensure-ca'], {
    encoding: 'utf8',
  });
  const caPath = simulatorCa.stdout.trim();
  if (process.env.NODE_EXTRA_CA_CERTS === caPath) return;
  const again = spawnSync(process.execPath, ['--import', 'tsx', scriptFile, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
  });
  process.exit(again.status ?? 1);
}

/** Where the simulator answers and its tenant's application: what a child process of the bench is told. */
export interface SimEndpoint {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface SimProcess extends SimEndpoint {
  child: ChildProcess;
}

/** `simulatorArgs`: more `tenant-sim start` options, e.g. a large group tenant's `--groups 5000 --group-memberships 1000000`. */
export function startSimulatorProcess(userCount: number, simulatorArgs: string[] = []): Promise<SimProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      simCli,
      'start',
      '--port',
      '0',
      '--users',
      String(userCount),
      '--throttle',
      '10000000',
      ...simulatorArgs,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(output)?.[1];
      const url = /listening on (https:\/\/\S+)/.exec(output)?.[1];
      const [tenantId, clientId, clientSecret] = [
        field('tenant id'),
        field('client id'),
        field('client secret'),
      ];
      if (url && tenantId && clientId && clientSecret && output.includes('admin API')) {
        resolve({ child, url, tenantId, clientId, clientSecret });
      }
    });
    child.once('exit', (code) => reject(new Error(`tenant-sim exited (${code})`)));
  });
}

export async function simAdmin(sim: SimEndpoint, method: string, route: string, body?: unknown) {
  const response = await fetch(`${sim.url}/_sim${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.status === 204 ? undefined : response.json();
}

/** `call` on every item, `width` at a time: the admin API's changes before a measured run. */
export async function inParallel<T>(items: T[], width: number, call: (item: T) => Promise<unknown>) {
  for (let start = 0; start < items.length; start += width)
    await Promise.all(items.slice(start, start + width).map(call));
}

export async function graphToken(sim: SimEndpoint): Promise<string> {
  const response = await fetch(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Switches Graph's latency and throttle on and zeroes the simulator's counters. `fresh` (the default) waits
 * for a full throttle bucket: what came before must not have used up what a measured run is given.
 */
export async function useGraphLimits(
  sim: SimProcess,
  limits: { latencyMs: number; throttle: number; fresh?: boolean },
): Promise<void> {
  await simAdmin(sim, 'PUT', '/latency', { ms: limits.latencyMs });
  await simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}`, { throttleLimit: limits.throttle });
  if (limits.fresh ?? true) await new Promise((resolve) => setTimeout(resolve, 10_500));
  await simAdmin(sim, 'DELETE', '/stats');
}

/** Graph traffic since the counters were zeroed; `requests` leaves out the token and discovery requests. */
export async function simGraphStats(sim: SimProcess) {
  const stats = (await simAdmin(sim, 'GET', '/stats')) as {
    requests: Record<string, number>;
    batchItems: Record<string, number>;
    resourceUnits: number;
    throttled: number;
  };
  const requests = Object.entries(stats.requests)
    .filter(([route]) => route !== 'openid' && route !== 'token')
    .reduce((sum, [, count]) => sum + count, 0);
  return { ...stats, requests, byRoute: stats.requests };
}

/** The command-line options of Graph's limits, shared by the sync benchmarks. */
export const graphLimitOptions = {
  latency: { type: 'string', default: '50' },
  throttle: { type: 'string', default: '8000' },
} as const;

/** Graph's limits as `graphLimitOptions` parsed them. */
export function graphLimitsOf(values: { latency: string; throttle: string }) {
  return { latencyMs: Number(values.latency), throttle: Number(values.throttle) };
}

/**
 * Full delta rounds with Graph alone, one after the other, under Graph's limits: each read as the service
 * asks for it (pages of up to 999, one after another), each page parsed and nothing else done, the floor of
 * a whole-directory run. `firstPaths`: each round's first request under /v1.0 (`usersDeltaPath()`,
 * `GROUPS_DELTA_ROUND`).
 */
export async function graphAloneRounds(
  sim: SimProcess,
  limits: { latencyMs: number; throttle: number },
  firstPaths: string[],
): Promise<Array<{ seconds: number; pages: number; items: number }>> {
  await useGraphLimits(sim, limits);
  const token = await graphToken(sim);
  const rounds = [];
  for (const firstPath of firstPaths) rounds.push(await graphAloneRound(sim, token, firstPath));
  return rounds;
}

async function graphAloneRound(
  sim: SimEndpoint,
  token: string,
  firstPath: string,
): Promise<{ seconds: number; pages: number; items: number }> {
  const started = performance.now();
  let url: string | undefined = `${sim.url}/v1.0${firstPath}`;
  let pages = 0;
  let items = 0;
  while (url) {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=999' },
    });
    if (!response.ok) throw new Error(`GET ${firstPath}: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
    pages += 1;
    items += page.value.length;
    url = page['@odata.nextLink'];
  }
  return { seconds: (performance.now() - started) / 1000, pages, items };
}

/** The first request of a full `/users/delta` round as the service makes it (app.ts reads every mappable property). */
export const usersDeltaPath = () => usersDeltaRound(userReading(mappableProperties).select);
