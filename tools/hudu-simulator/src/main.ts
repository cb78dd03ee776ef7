import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { booleanFlag, ConfigError, loadConfig, logLevel, port, positiveInt } from '@cw-hudu-sync/config';
import { createLogger } from '@cw-hudu-sync/logging';
import type { HuduSeedManageCompany } from '@cw-hudu-sync/sample-data';
import { buildHuduSimulator, type FaultRule } from '@cw-hudu-sync/hudu-simulator';

const faultRule = z.object({
  kind: z.enum(['rate-limit', 'error', 'hang', 'delay']),
  times: z.number().int().nonnegative().optional(),
  probability: z.number().min(0).max(1).optional(),
  method: z.string().optional(),
  pathPrefix: z.string().optional(),
  status: z.number().int().min(400).max(599).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx): z.infer<T> => {
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'is not valid' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    }
    return z.NEVER;
  });

const environment = z.object({
  HUDU_SIM_HOST: z.string().default('127.0.0.1'),
  /** 0 picks a free port; the chosen one is logged. */
  HUDU_SIM_PORT: port(0),
  /** Comma-separated keys accepted in x-api-key. */
  HUDU_SIM_API_KEYS: z
    .string()
    .default('hudu-sim-key')
    .transform((v) =>
      v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .refine((keys) => keys.length > 0, 'must list at least one key'),
  HUDU_SIM_RATE_LIMIT_PER_MINUTE: positiveInt(300),
  /** Throttle window length; 60000 is Hudu's minute. */
  HUDU_SIM_RATE_LIMIT_WINDOW_MS: positiveInt(60_000),
  HUDU_SIM_RETRY_AFTER: booleanFlag(false),
  HUDU_SIM_SEED: z.string().default('1'),
  /** Optional JSON file: [{id, identifier, name, website?}] of Manage companies the seed resembles. */
  HUDU_SIM_SEED_MANAGE_COMPANIES_FILE: z.string().optional(),
  HUDU_SIM_EMPTY: booleanFlag(false),
  /** Optional JSON array of fault rules active from the start. */
  HUDU_SIM_FAULTS: json(z.array(faultRule)).optional(),
  HUDU_SIM_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: logLevel(),
});

function readManageCompanies(path: string | undefined): HuduSeedManageCompany[] {
  if (!path) return [];
  const schema = z.array(
    z.object({
      id: z.number().int(),
      identifier: z.string(),
      name: z.string(),
      website: z.string().optional(),
    }),
  );
  return schema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

async function main() {
  const env = loadConfig(environment, process.env, 'hudu-simulator');
  const logger = createLogger({ service: 'hudu-simulator', level: env.LOG_LEVEL });
  const seedValue = /^\d+$/.test(env.HUDU_SIM_SEED) ? Number(env.HUDU_SIM_SEED) : env.HUDU_SIM_SEED;
  const simulator = buildHuduSimulator({
    apiKeys: env.HUDU_SIM_API_KEYS,
    rateLimit: {
      limit: env.HUDU_SIM_RATE_LIMIT_PER_MINUTE,
      windowMs: env.HUDU_SIM_RATE_LIMIT_WINDOW_MS,
      retryAfterHeader: env.HUDU_SIM_RETRY_AFTER,
    },
    faults: (env.HUDU_SIM_FAULTS ?? []) as FaultRule[],
    seed: env.HUDU_SIM_EMPTY
      ? false
      : { seed: seedValue, manageCompanies: readManageCompanies(env.HUDU_SIM_SEED_MANAGE_COMPANIES_FILE) },
    ...(env.HUDU_SIM_PUBLIC_URL ? { publicUrl: env.HUDU_SIM_PUBLIC_URL } : {}),
  });
  const url = await simulator.listen({ port: env.HUDU_SIM_PORT, host: env.HUDU_SIM_HOST });
  const port = Number(new URL(url).port);
  logger.info(
    {
      url,
      port,
      apiBase: `${url}/api/v1`,
      control: `${url}/_sim`,
      companies: simulator.store.companies.size,
    },
    'hudu simulator listening',
  );

  const stop = async (signal: string) => {
    logger.info({ signal }, 'hudu simulator stopping');
    await simulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
});
