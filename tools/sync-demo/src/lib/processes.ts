import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Child processes of the demo (simulators and services), each logging to its own file. */
export class ProcessGroup {
  private readonly children = new Map<string, ChildProcess>();
  private readonly commands = new Map<
    string,
    { command: string; args: string[]; env: Record<string, string> }
  >();

  constructor(
    private readonly workspace: string,
    readonly logDir: string,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  /**
   * Starts a built bundle (dist/<bundle>/main.js). The services (apps/*) start the way they do everywhere:
   * `node --require dist/apps/<app>/otel.js dist/apps/<app>/main.js`, the OpenTelemetry preload first.
   */
  start(name: string, bundle: string, env: Record<string, string>): ChildProcess {
    const main = path.join(this.workspace, 'dist', bundle, 'main.js');
    if (!fs.existsSync(main))
      throw new Error(`${main} is missing: build it first (npx nx run-many -t build)`);
    return this.spawn(name, process.execPath, nodeArguments(main, bundle.startsWith('apps/')), env);
  }

  /** Starts any program (e.g. Jaeger), logging to `<logDir>/<name>.log` like the others. */
  spawn(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
    this.commands.set(name, { command, args, env });
    return this.launch(name, 'w');
  }

  private launch(name: string, logMode: 'w' | 'a'): ChildProcess {
    const { command, args, env } = this.commands.get(name)!;
    const log = fs.openSync(this.logFile(name), logMode);
    const child = spawn(command, args, {
      cwd: this.workspace,
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.children.set(name, child);
    return child;
  }

  /**
   * Kills one process with `signal` (SIGKILL: no shutdown hook runs, as when a node dies) and resolves
   * once it has exited.
   */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(name);
    if (!child) throw new Error(`no process named ${name}`);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Starts a process again with the command, arguments and environment it was first started with. */
  restart(name: string): ChildProcess {
    if (!this.commands.has(name)) throw new Error(`no process named ${name}`);
    const previous = this.children.get(name);
    if (previous && previous.exitCode === null && previous.signalCode === null)
      throw new Error(`${name} is still running: kill it first`);
    // The new process appends to the same log, after a marker line.
    fs.appendFileSync(this.logFile(name), `\n--- restarted at ${new Date().toISOString()} ---\n`);
    return this.launch(name, 'a');
  }

  /** The log file of one process. */
  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  exited(name: string): number | null {
    return this.children.get(name)?.exitCode ?? null;
  }

  logTail(name: string, lines = 15): string {
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

  /** SIGTERM everything (graceful shutdown), SIGKILL what is still there after `graceMs`. */
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

/**
 * V8 heap settings of every service process, here and in docker/Dockerfile's ENTRYPOINT (a test keeps the two
 * equal). On a machine with a lot of memory Node sizes the young generation for speed and lets garbage pile
 * up: the services' live heap is 50–75 MB, yet on the medium import their RSS peaked at 370–415 MiB. A young
 * generation of 8 MiB semi-spaces took the peaks to 178–193 MiB at about the same throughput (101 vs 115
 * records/s, docs/benchmarks.md); the old-space ceiling makes V8 collect before a 384 MiB container limit
 * would kill the process. A ceiling of 128 MiB instead thrashed the importer's GC (64 records/s).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=256'] as const;

/** Node's arguments for a bundle: the OpenTelemetry preload built beside a service's main.js comes first. */
export function nodeArguments(main: string, service: boolean): string[] {
  if (!service) return ['--enable-source-maps', main];
  const preload = path.join(path.dirname(main), 'otel.js');
  if (!fs.existsSync(preload))
    throw new Error(`${preload} is missing: build the services first (npx nx run-many -t build)`);
  return ['--enable-source-maps', ...SERVICE_NODE_FLAGS, '--require', preload, main];
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `probe` returns true; the error says what never happened. */
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
