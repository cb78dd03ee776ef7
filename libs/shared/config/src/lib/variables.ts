import { z } from 'zod';

/** Building blocks for service schemas. Each parses the raw string of one environment variable. */

export const port = (defaultPort?: number) => {
  const schema = z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535');
  return defaultPort === undefined ? schema : schema.default(defaultPort);
};

export const positiveInt = (defaultValue: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .positive('must be > 0')
    .default(defaultValue);

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** A comma-separated list of `host:port` pairs, e.g. `127.0.0.1:9092,kafka-1:9092`. */
export const brokerList = () =>
  z
    .string({ message: 'is required but not set' })
    .transform((value) =>
      value
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0, 'must list at least one host:port')
    .refine((list) => list.every((b) => hostPort.test(b)), 'must be a comma-separated list of host:port');

/** A MongoDB connection string (`mongodb://` or `mongodb+srv://`). */
export const mongoUrl = () =>
  z
    .string({ message: 'is required but not set' })
    .refine((v) => /^mongodb(\+srv)?:\/\/[^/]+/.test(v), 'must be a mongodb:// or mongodb+srv:// URL');

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const booleanFlag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(defaultValue);

/** What every service reads: where it listens, how it logs, and the two stores it talks to. */
export const serviceEnvironment = {
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: port(8080),
  LOG_LEVEL: logLevel(),
  KAFKA_BROKERS: brokerList(),
  KAFKA_CLIENT_ID: z.string().optional(),
  /** Optional prefix for every topic name, so several environments can share one cluster. */
  KAFKA_TOPIC_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be letters, digits, ".", "_" or "-"')
    .optional(),
  MONGO_URL: mongoUrl(),
  SHUTDOWN_TIMEOUT_MS: positiveInt(20_000),
};

export const serviceEnvironmentSchema = z.object(serviceEnvironment);
export type ServiceEnvironment = z.infer<typeof serviceEnvironmentSchema>;
