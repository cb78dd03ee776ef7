// Standalone ConnectWise Manage simulator: `node dist/tools/manage-simulator/main.js`.
// Prints one JSON line with the address, dataset and credentials, then serves until SIGINT/SIGTERM.
import { z } from 'zod';
import { ConfigError, loadConfig, port } from '@cw-hudu-sync/config';
import { buildManageSimulator, defaultMembers, type FaultSettings } from './lib/simulator';

const schema = z.object({
  MANAGE_SIM_PORT: port(0),
  MANAGE_SIM_HOST: z.string().default('127.0.0.1'),
  MANAGE_SIM_SIZE: z.enum(['small', 'medium', 'large']).default('small'),
  MANAGE_SIM_SEED: z.string().default('1'),
  MANAGE_SIM_COMPANY_ID: z.string().default('ExampleMSP'),
  MANAGE_SIM_CODEBASE: z
    .string()
    .regex(/^[A-Za-z0-9_]+\/$/, 'must look like v2025_1/ (with the trailing slash)')
    .default('v2025_1/'),
  MANAGE_SIM_PUBLIC_KEY: z.string().default('simPublicKey'),
  MANAGE_SIM_PRIVATE_KEY: z.string().default('simPrivateKey'),
  /** Comma list of resources that ignore forward-only paging, e.g. `company/contacts`. */
  MANAGE_SIM_FORWARD_ONLY_UNSUPPORTED: z.string().default(''),
  /** JSON FaultSettings applied at start, e.g. `{"failRate":0.05,"rateLimit":{"limit":100,"windowMs":60000}}`. */
  MANAGE_SIM_FAULTS: z
    .string()
    .default('{}')
    .refine((text) => {
      try {
        return typeof JSON.parse(text) === 'object';
      } catch {
        return false;
      }
    }, 'must be a JSON object'),
});

async function main() {
  let env: z.infer<typeof schema>;
  try {
    env = loadConfig(schema, process.env, 'manage-simulator');
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const seed = /^\d+$/.test(env.MANAGE_SIM_SEED) ? Number(env.MANAGE_SIM_SEED) : env.MANAGE_SIM_SEED;
  const member = { ...(defaultMembers[0] as (typeof defaultMembers)[number]) };
  member.publicKey = env.MANAGE_SIM_PUBLIC_KEY;
  member.privateKey = env.MANAGE_SIM_PRIVATE_KEY;
  const simulator = buildManageSimulator({
    dataset: { size: env.MANAGE_SIM_SIZE, seed },
    companyId: env.MANAGE_SIM_COMPANY_ID,
    codebase: env.MANAGE_SIM_CODEBASE,
    members: [member],
    forwardOnlyUnsupported: env.MANAGE_SIM_FORWARD_ONLY_UNSUPPORTED.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    faults: JSON.parse(env.MANAGE_SIM_FAULTS) as FaultSettings,
  });
  const url = await simulator.listen(env.MANAGE_SIM_PORT, env.MANAGE_SIM_HOST);
  process.stdout.write(
    `${JSON.stringify({
      event: 'listening',
      service: 'manage-simulator',
      url,
      apiUrl: simulator.apiUrl,
      port: Number(new URL(url).port),
      size: env.MANAGE_SIM_SIZE,
      seed,
      counts: Object.fromEntries(Object.entries(simulator.state.collections).map(([k, v]) => [k, v.size])),
      companyId: env.MANAGE_SIM_COMPANY_ID,
      codebase: env.MANAGE_SIM_CODEBASE,
      // simulated credentials, printed on purpose so a developer can point a client at this instance
      publicKey: member.publicKey,
      privateKey: member.privateKey,
      clientId: 'any non-empty clientId header is accepted',
    })}\n`,
  );
  const stop = async () => {
    await simulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
