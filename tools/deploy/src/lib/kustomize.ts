import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const workspaceRoot = path.resolve(__dirname, '../../../..');
const KUSTOMIZE = path.join(workspaceRoot, 'tools/deploy/bin/kustomize');

/** The files k8s/base references that the observability work (issue #5) writes. */
export const MONITORING_FILES = [
  'base/monitoring/grafana-dashboard.json',
  'base/monitoring/alert-rules.yaml',
] as const;

/** Builds kustomize on first use (tools/deploy/bin/kustomize) and returns its path. */
export function kustomizeBinary(): string {
  return execFileSync(KUSTOMIZE, ['--path'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** `kustomize build <dir>`; throws with kustomize's own message when the overlay does not render. */
export function kustomizeBuild(dir: string): string {
  return execFileSync(kustomizeBinary(), ['build', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The overlays under k8s/overlays (each directory with a kustomization.yaml). */
export function overlays(k8sDir: string): string[] {
  const root = path.join(k8sDir, 'overlays');
  return fs
    .readdirSync(root)
    .filter((name) => fs.existsSync(path.join(root, name, 'kustomization.yaml')))
    .sort();
}
