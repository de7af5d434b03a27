import { type ServiceProcess, startServiceProcess } from '../schedule/service-processes';
import { localPeersAllowed } from './local-peers';

/**
 * The service in a child process (src/server.ts, as deployed), for tests that kill it: started, restarted
 * over a killed one, signed in to and asked like any client.
 */
export type RunningService = ServiceProcess;

export const startService = startServiceProcess;

/** The environment of a service a kill test starts: short heartbeat and lease, small chunks. */
export function killTestEnv(options: {
  dataDir: string;
  databaseUrl: string | undefined;
  key: Buffer;
  password: string;
  chunkSize: number;
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_OPTIONS: '',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseUrl ?? '',
    SECRET_ENCRYPTION_KEY: options.key.toString('base64'),
    ADMIN_PASSWORD: options.password,
    WEB_DIST_DIR: '/nonexistent',
    SYNC_CHUNK_SIZE: String(options.chunkSize),
    SYNC_HEARTBEAT_SECONDS: '0.2',
    SYNC_LEASE_SECONDS: '1',
    ...localPeersAllowed,
  };
}

/** A killed embedded database keeps its lock file until the lock goes stale; keep trying until then. */
export async function restartService(env: NodeJS.ProcessEnv): Promise<RunningService> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    try {
      return await startService(env);
    } catch (error) {
      if (Date.now() > deadline || !/another process/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

export async function signIn(service: RunningService, password: string): Promise<string> {
  const response = await fetch(`${service.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  expect(response.status).toBe(200);
  return String(response.headers.get('set-cookie')).split(';')[0];
}

export interface RunBody {
  id: string;
  status: string;
  error: string | null;
  finishedAt: string;
  progress: { processed: number; total: number };
  counts: Record<'modified' | 'deleted' | 'duplicated' | 'unchanged' | 'failed', number>;
}

export interface PageBody<Item> {
  items: Item[];
}

export async function api<Body = RunBody>(
  service: RunningService,
  cookie: string,
  url: string,
  init: RequestInit = {},
) {
  const response = await fetch(`${service.url}${url}`, {
    ...init,
    headers: { cookie, 'content-type': 'application/json', origin: service.url, ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Body };
}
