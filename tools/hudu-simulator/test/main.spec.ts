import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built simulator as a process: environment in, chosen port out. `nx test` builds it first. */

const root = path.resolve(__dirname, '../../..');
const main = path.join(root, 'dist', 'tools', 'hudu-simulator', 'main.js');

function run(env: Record<string, string>) {
  if (!fs.existsSync(main))
    throw new Error(`${main} is missing: build it first (npx nx build hudu-simulator)`);
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function listening(process: { child: ChildProcess; output: () => string }) {
  for (let i = 0; i < 200; i++) {
    const line = process
      .output()
      .split('\n')
      .find((l) => l.includes('hudu simulator listening'));
    if (line) return JSON.parse(line) as { url: string; port: number };
    if (process.child.exitCode !== null) throw new Error(`exited: ${process.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`did not start: ${process.output()}`);
}

describe('hudu-simulator main', () => {
  it('picks a free port when HUDU_SIM_PORT is 0, reports it, and applies the environment', async () => {
    const sim = run({
      HUDU_SIM_PORT: '0',
      HUDU_SIM_API_KEYS: 'key-one, key-two',
      HUDU_SIM_RATE_LIMIT_PER_MINUTE: '2',
      HUDU_SIM_RETRY_AFTER: 'true',
      LOG_LEVEL: 'info',
    });
    try {
      const { url, port } = await listening(sim);
      expect(port).toBeGreaterThan(0);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const info = await fetch(`${url}/api/v1/api_info`, { headers: { 'x-api-key': 'key-two' } });
      expect(info.status).toBe(200);
      expect((await fetch(`${url}/api/v1/api_info`, { headers: { 'x-api-key': 'key-two' } })).status).toBe(
        200,
      );
      const limited = await fetch(`${url}/api/v1/api_info`, { headers: { 'x-api-key': 'key-two' } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await fetch(`${url}/api/v1/api_info`, { headers: { 'x-api-key': 'key-one' } })).status).toBe(
        200,
      );
    } finally {
      sim.child.kill('SIGTERM');
    }
    expect(await sim.exited).toBe(0);
  });

  it('refuses a bad environment, naming the variable', async () => {
    const sim = run({ HUDU_SIM_PORT: '0', HUDU_SIM_RATE_LIMIT_PER_MINUTE: 'lots', HUDU_SIM_FAULTS: '{nope' });
    expect(await sim.exited).toBe(1);
    expect(sim.output()).toContain('HUDU_SIM_RATE_LIMIT_PER_MINUTE');
    expect(sim.output()).toContain('HUDU_SIM_FAULTS');
  });
});
