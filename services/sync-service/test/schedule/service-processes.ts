import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const serviceDir = path.resolve(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Everything the process printed (JSON log lines included). */
  output(): string;
}

/** The service as deployed (src/server.ts) in a child process; resolves once it listens. */
export function startServiceProcess(env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: serviceDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /adsync ready at (http:\/\/\S+)/.exec(output);
      if (ready)
        resolve({ child, url: ready[1].replace('localhost', '127.0.0.1'), exited, output: () => output });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    exited.then((code) => reject(new Error(`the service exited (${code}):\n${output}`)));
  });
}

/** A signed-in administrator's client of one process. */
export async function adminClient(service: ServiceProcess, password: string) {
  const signIn = await fetch(`${service.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}`);
  const cookie = String(signIn.headers.get('set-cookie')).split(';')[0];
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions that read them
  return async (url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${service.url}${url}`, {
      ...init,
      headers: { cookie, 'content-type': 'application/json', origin: service.url, ...init.headers },
    });
    return { status: response.status, body: await response.json() };
  };
}
