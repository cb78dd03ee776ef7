import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from './stack';

export const workspaceRoot = path.resolve(__dirname, '../../../../..');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * How every service process is started: the OpenTelemetry preload built beside the bundle first (it must
 * patch http, undici, mongodb, mongoose and fastify before main.js requires them; without an OTLP endpoint
 * in the environment it does nothing), then the service:
 * `node --enable-source-maps --require dist/apps/<app>/otel.js dist/apps/<app>/main.js`.
 */
export function serviceArguments(main: string): string[] {
  const preload = path.join(path.dirname(main), 'otel.js');
  if (!fs.existsSync(preload)) throw new Error(`${preload} is missing: build the service first`);
  return ['--enable-source-maps', '--require', preload, main];
}

/** Starts a built service (dist/apps/<name>/main.js) as a real child process on a free port. */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const main = path.join(workspaceRoot, 'dist', 'apps', name, 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build it first (npx nx build ${name})`);
  const port = await freePort();
  const child = spawn(process.execPath, serviceArguments(main), {
    cwd: workspaceRoot,
    env: { ...process.env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output.slice(-2000)}`);
      return (await fetch(`${url}/healthz`)).ok;
    },
    { what: `${name} to listen`, timeoutMs: 20_000 },
  );
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
