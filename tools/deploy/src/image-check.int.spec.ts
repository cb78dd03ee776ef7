/**
 * CI's stand-in for `docker build` + `docker run` (there is no Docker engine here): tools/deploy/bin/image-check
 * builds each app as docker/Dockerfile does, installs its production dependencies only into a clean directory outside
 * the repo, starts it from there against the local stack until /healthz and /readyz answer 200, then SIGTERMs it and
 * expects a clean exit.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { workspaceRoot } from './lib/kustomize';

const APPS = ['fetcher', 'matcher', 'importer', 'link', 'admin'];
/** Per test, explicitly: the whole-suite run (tools/test) applies only the root config's global testTimeout. */
const IMAGE_CHECK_TIMEOUT_MS = 15 * 60_000;

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: workspaceRoot,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('image-check (the image, without Docker)', () => {
  it(
    'starts every app from a production-only install until healthy, and each exits 0 on SIGTERM',
    async () => {
      const { code, output } = await run(path.join(workspaceRoot, 'tools/deploy/bin/image-check'), APPS);
      // The script's own report (sizes, timings, whether the OpenTelemetry preload was there) goes to the log.
      console.log(
        output
          .split('\n')
          .filter((line) => line.startsWith('image-check:'))
          .join('\n'),
      );
      expect({ code, tail: code === 0 ? '' : output.slice(-4000) }).toEqual({ code: 0, tail: '' });
      for (const app of APPS) expect(output).toMatch(new RegExp(`^image-check: ${app}: \\d+ MB`, 'm'));
      expect(output).toContain(`image-check: ok (${APPS.length} apps`);
    },
    IMAGE_CHECK_TIMEOUT_MS,
  );

  it(
    'fails when an app cannot start (proves the check can fail)',
    async () => {
      // No broker address: every service refuses its configuration and exits non-zero before listening.
      const env = { ...process.env, IMAGE_CHECK_SKIP_BUILD: '1', IMAGE_CHECK_READY_SECONDS: '5' };
      const child = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const p = spawn(path.join(workspaceRoot, 'tools/deploy/bin/image-check'), ['link'], {
          cwd: workspaceRoot,
          env: { ...env, KAFKA_BROKERS: 'not a broker list' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        p.stdout.on('data', (d) => (output += d));
        p.stderr.on('data', (d) => (output += d));
        p.on('close', (code) => resolve({ code, output }));
      });
      expect(child.code).toBe(1);
      expect(child.output).toContain('image-check: FAILED: link:not-ready');
    },
    IMAGE_CHECK_TIMEOUT_MS,
  );
});
