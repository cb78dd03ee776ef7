import fs from 'node:fs';
import path from 'node:path';

/** The built bundles a benchmark starts: the five services and both simulators. */
export const BUNDLES = [
  'apps/fetcher',
  'apps/matcher',
  'apps/importer',
  'apps/link',
  'apps/admin',
  'tools/manage-simulator',
  'tools/hudu-simulator',
] as const;

/**
 * Copies the built bundles into `<workspace>/tmp/bench/<name>/dist` and returns that folder's parent,
 * to be used as the environment's workspace: a rebuild in the shared checkout while a benchmark runs
 * then cannot swap or delete what it measures. It stays inside the workspace so that the bundles'
 * external packages still resolve from its node_modules. Waits up to `waitMs` for a bundle that is
 * missing (being rebuilt by someone else) before saying which one.
 */
export async function snapshotBundles(workspace: string, name: string, waitMs = 180_000): Promise<string> {
  const root = path.join(workspace, 'tmp', 'bench', name);
  const deadline = Date.now() + waitMs;
  for (const bundle of BUNDLES) {
    const from = path.join(workspace, 'dist', bundle);
    while (!fs.existsSync(path.join(from, 'main.js'))) {
      if (Date.now() > deadline)
        throw new Error(`${from}/main.js is missing: build it first (npx nx run-many -t build)`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    fs.cpSync(from, path.join(root, 'dist', bundle), { recursive: true });
  }
  return root;
}
