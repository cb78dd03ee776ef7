import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema. The message names every bad variable. */
export class ConfigError extends Error {
  constructor(
    public readonly problems: ReadonlyArray<{ variable: string; problem: string }>,
    service?: string,
  ) {
    super(
      `Invalid configuration${service ? ` for ${service}` : ''}:\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates `env` against `schema` (keys are environment variable names) and returns the typed result.
 * Values are never echoed back in errors: a malformed secret must not end up in a log.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Environment = process.env,
  service?: string,
): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    // An empty variable means "not set": `FOO= node main.js` should fall back to the default.
    input[key] = value === undefined || value.trim() === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: issue.path.map(String).join('.') || '(environment)',
    problem: input[String(issue.path[0])] === undefined ? 'is required but not set' : issue.message,
  }));
  throw new ConfigError(problems, service);
}
