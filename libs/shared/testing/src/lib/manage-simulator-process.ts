import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from './service-process';

export interface ManageSimulatorProcess {
  url: string;
  apiUrl: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  child: ChildProcess;
  /** Calls a `/_sim/*` control route. */
  control: <T = unknown>(method: string, route: string, body?: unknown) => Promise<T>;
  stop: () => Promise<void>;
}

/**
 * Starts the built Manage simulator (dist/tools/manage-simulator/main.js, `npx nx build manage-simulator`)
 * as a real process: clients and services are tested against the same binary a developer runs, across a
 * real socket, without importing the app. Resolves with the address and credentials it prints.
 */
export async function startManageSimulator(
  env: Record<string, string> = {},
): Promise<ManageSimulatorProcess> {
  const main = path.join(workspaceRoot, 'dist', 'tools', 'manage-simulator', 'main.js');
  if (!fs.existsSync(main))
    throw new Error(`${main} is missing: build it first (npx nx build manage-simulator)`);
  const child = spawn(process.execPath, [main], {
    cwd: workspaceRoot,
    env: { ...process.env, MANAGE_SIM_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`simulator did not start: ${output.slice(-2000)}`)),
      60_000,
    );
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${output.slice(-2000)}`));
    });
  });
  const url = String(started['url']);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    apiUrl: String(started['apiUrl']),
    companyId: String(started['companyId']),
    publicKey: String(started['publicKey']),
    privateKey: String(started['privateKey']),
    child,
    control: async <T>(method: string, route: string, body?: unknown) => {
      const response = await fetch(`${url}${route}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 400) throw new Error(`${method} ${route} → ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
