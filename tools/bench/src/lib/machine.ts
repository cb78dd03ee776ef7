import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { MachineDescription } from './results';

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg()[0] ?? 0,
  };
}

/** The commit checked out, with `+changes` when the working tree differs from it (read-only git). */
export function gitCommit(workspace: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: workspace,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: workspace,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+changes (uncommitted work in the tree)` : head;
  } catch {
    return 'unknown';
  }
}

/** A `/proc/<pid>/status` field in kB (`VmHWM:   123456 kB`), as MiB. */
export function statusFieldMiB(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** The parent pid from `/proc/<pid>/stat` (the command may contain spaces and parentheses). */
export function parentPid(stat: string): number | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Children of this process whose command line contains `needle`. */
export function childPids(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (parentPid(stat) !== process.pid) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** Peak resident set size (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    return statusFieldMiB(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
  } catch {
    return undefined;
  }
}
