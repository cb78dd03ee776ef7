import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- sync-demo's process helpers, read-only (no alias yet)
import { freePort } from '../../../sync-demo/src/lib/processes';

export interface StackAddresses {
  kafkaBrokers: string;
  mongoUrl: string;
  /** Where the addresses came from. */
  origin: 'environment' | 'private';
  stop(): Promise<void>;
}

/** `export NAME='value'` lines of `tools/stack/stack env` → a map. */
export function parseStackEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2].replace(/^['"]|['"]$/g, '');
  }
  return values;
}

/**
 * The broker and database to run against: KAFKA_BROKERS/MONGO_URL when both are given, otherwise a
 * private instance of the local stack (its own run directory and ports, stopped and wiped at the end),
 * so that a benchmark never shares a broker with other work unless told to.
 */
export async function stackFor(workspace: string): Promise<StackAddresses> {
  const given = { kafka: process.env['KAFKA_BROKERS'], mongo: process.env['MONGO_URL'] };
  if (given.kafka && given.mongo) {
    return {
      kafkaBrokers: given.kafka,
      mongoUrl: given.mongo,
      origin: 'environment',
      stop: async () => undefined,
    };
  }
  const runDir = path.join(workspace, 'tmp', 'bench-stack', String(process.pid));
  fs.mkdirSync(runDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CWHS_RUN_DIR: runDir,
    CWHS_KAFKA_PORT: String(await freePort()),
    CWHS_KAFKA_CONTROLLER_PORT: String(await freePort()),
    CWHS_MONGO_PORT: String(await freePort()),
  };
  delete env['KAFKA_BROKERS'];
  delete env['MONGO_URL'];
  const stack = path.join(workspace, 'tools', 'stack', 'stack');
  process.stdout.write(`bench: starting a private stack in ${runDir}\n`);
  // tools/stack draws a random Kafka cluster id; one starting with "-" is read as a flag by
  // kafka-storage and the format fails (about 1 start in 64): wipe and start again.
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(stack, ['start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      break;
    } catch (error) {
      execFileSync(stack, ['stop', '--wipe'], { env, stdio: 'ignore' });
      if (attempt >= 3) throw error;
      process.stdout.write(`bench: the private stack did not start (attempt ${attempt}); trying again\n`);
    }
  }
  const values = parseStackEnv(execFileSync(stack, ['env'], { env, encoding: 'utf8' }));
  const kafkaBrokers = values['KAFKA_BROKERS'];
  const mongoUrl = values['MONGO_URL'];
  if (!kafkaBrokers || !mongoUrl) throw new Error('tools/stack/stack env gave no KAFKA_BROKERS/MONGO_URL');
  return {
    kafkaBrokers,
    mongoUrl,
    origin: 'private',
    stop: async () => {
      execFileSync(stack, ['stop', '--wipe'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
