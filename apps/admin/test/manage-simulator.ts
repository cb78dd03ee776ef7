import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@cw-hudu-sync/testing';

/** Every security-role setting the simulator knows (`area / screen`). */
export const ALL_GRANTS = [
  'Companies / Company Maintenance',
  'Companies / Configurations',
  'Companies / Contacts',
  'System / API Reports',
  'System / Member Maintenance',
  'System / Table Setup',
];

export interface ManageSimulatorProcess {
  url: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  child: ChildProcess;
  /** Sets the API member's security-role grants (`PUT /_sim/members/:publicKey/grants`). */
  setGrants: (grants: string[]) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Starts the built Manage simulator (dist/tools/manage-simulator/main.js) as a real process, the way the
 * Manage client's own tests do (libs/clients/manage/test/simulator-process.ts, not importable from an app).
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
  const publicKey = String(started['publicKey']);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    companyId: String(started['companyId']),
    publicKey,
    privateKey: String(started['privateKey']),
    child,
    setGrants: async (grants) => {
      const response = await fetch(`${url}/_sim/members/${encodeURIComponent(publicKey)}/grants`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grants }),
      });
      if (!response.ok) throw new Error(`setting grants → ${response.status} ${await response.text()}`);
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
