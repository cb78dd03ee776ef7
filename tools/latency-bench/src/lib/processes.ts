import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The simulators and services as real processes (built bundles under dist/), each logging to a file. */
export class Processes {
  private readonly children = new Map<string, ChildProcess>();

  constructor(
    private readonly workspace: string,
    readonly logDir: string,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  /**
   * Copies the built bundles next to the logs and runs them from there: a rebuild of dist/ during the run
   * (other work in the same checkout) cannot pull a bundle from under a starting process. The copies still
   * resolve their packages from the workspace's node_modules (a parent directory).
   */
  async snapshot(bundles: readonly string[]): Promise<void> {
    for (const bundle of bundles) {
      const source = path.join(this.workspace, 'dist', bundle);
      await until(
        `dist/${bundle} to be built`,
        async () => fs.existsSync(path.join(source, 'main.js')),
        300_000,
        1_000,
      );
      await sleep(500);
      fs.cpSync(source, path.join(this.logDir, 'dist', bundle), { recursive: true });
    }
  }

  start(name: string, bundle: string, env: Record<string, string>): ChildProcess {
    const main = path.join(this.logDir, 'dist', bundle, 'main.js');
    if (!fs.existsSync(main))
      throw new Error(`${main} is missing: run it through nx (npx nx run latency-bench:run)`);
    const preload = path.join(path.dirname(main), 'otel.js');
    const args = ['--enable-source-maps', ...(fs.existsSync(preload) ? ['--require', preload] : []), main];
    const log = fs.openSync(path.join(this.logDir, `${name}.log`), 'w');
    const child = spawn(process.execPath, args, {
      cwd: this.workspace,
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.children.set(name, child);
    return child;
  }

  exited(name: string): boolean {
    const child = this.children.get(name);
    return child !== undefined && (child.exitCode !== null || child.signalCode !== null);
  }

  logTail(name: string, lines = 20): string {
    try {
      return fs
        .readFileSync(path.join(this.logDir, `${name}.log`), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM everything, SIGKILL what is still there after `graceMs`. */
  async stopAll(graceMs = 15_000): Promise<void> {
    const running = [...this.children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `probe` is true; the error says what never happened. */
export async function until(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (${last})` : ''}`,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
