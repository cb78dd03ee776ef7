import diagnostics from 'node:diagnostics_channel';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '@cw-hudu-sync/logging';

/** The database cannot be reached. The message names the (credential-free) address and the cause. */
export class DatabaseUnavailableError extends Error {
  constructor(address: string, cause: unknown) {
    super(`cannot reach MongoDB at ${address}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** The URL without user:password, for messages and logs. */
export function describeMongoUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable MongoDB URL)';
  }
}

export interface DatabaseSettings {
  url: string;
  logger: Logger;
  /** How long to look for a server before an operation fails (connect and every command). */
  serverSelectionTimeoutMs?: number;
}

/**
 * Opens a dedicated Mongoose connection. Timeouts are short so an unreachable database is reported in
 * seconds, not the driver's default 30 s. Works against MongoDB and FerretDB 1.x (no transactions,
 * change streams, TTL or partial indexes are used anywhere; see docs/adr/0002-local-stack.md).
 */
export async function connectDatabase(settings: DatabaseSettings): Promise<Connection> {
  const address = describeMongoUrl(settings.url);
  const connection = mongoose.createConnection(settings.url, {
    serverSelectionTimeoutMS: settings.serverSelectionTimeoutMs ?? 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: 60_000,
    heartbeatFrequencyMS: 2_000,
    maxPoolSize: 20,
    autoIndex: true,
    autoCreate: true,
    // Each command's name, collection and duration go out as a fact (DATABASE_CHANNELS.command).
    monitorCommands: true,
  });
  publishCommandFacts(connection);
  connection.on('disconnected', () => settings.logger.warn({ database: address }, 'database disconnected'));
  connection.on('reconnected', () => settings.logger.info({ database: address }, 'database reconnected'));
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new DatabaseUnavailableError(address, error);
  }
  settings.logger.info({ database: address }, 'database connected');
  return connection;
}

/** The diagnostics channel each database command is published on (the platform turns it into metrics). */
export const DATABASE_CHANNELS = { command: 'cwhs:database:command' } as const;

/** One database command as published on DATABASE_CHANNELS.command. */
export interface DatabaseCommandFact {
  /** The command's name: find, insert, update, delete, aggregate, getMore, … */
  command: string;
  /** The collection it addressed ('' for commands without one: ping, hello, …). */
  collection: string;
  seconds: number;
  ok: boolean;
}

/** Commands every connection sends on its own: not work anyone asked for. */
const HOUSEKEEPING = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'endSessions',
  'saslStart',
  'saslContinue',
]);

/**
 * Publishes each command of the connection's client as a DatabaseCommandFact, only while someone listens.
 * The collection is known from the command's start (the driver's success and failure events lack it).
 */
function publishCommandFacts(connection: Connection): void {
  const channel = diagnostics.channel(DATABASE_CHANNELS.command);
  const collections = new Map<number, string>();
  const client = connection.getClient();
  client.on('commandStarted', (event) => {
    if (!channel.hasSubscribers || HOUSEKEEPING.has(event.commandName)) return;
    const target = (event.command as Record<string, unknown>)[event.commandName];
    const collection =
      event.commandName === 'getMore'
        ? String((event.command as Record<string, unknown>)['collection'] ?? '')
        : typeof target === 'string'
          ? target
          : '';
    collections.set(event.requestId, collection);
  });
  const finished = (event: { requestId: number; commandName: string; duration: number }, ok: boolean) => {
    const collection = collections.get(event.requestId);
    if (collection === undefined) return;
    collections.delete(event.requestId);
    const fact: DatabaseCommandFact = {
      command: event.commandName,
      collection,
      seconds: event.duration / 1000,
      ok,
    };
    channel.publish(fact);
  };
  client.on('commandSucceeded', (event) => finished(event, true));
  client.on('commandFailed', (event) => finished(event, false));
}

/** A bounded round trip to the server, for readiness probes. */
export async function pingDatabase(connection: Connection, timeoutMs = 2_000): Promise<void> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) throw new Error('database not connected');
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.command({ ping: 1 }, { timeoutMS: timeoutMs }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`database ping timed out after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** True for a unique-index violation (E11000), the signal that an idempotent insert already happened. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * The positions an unordered bulk insert refused as duplicate keys (E11000), or undefined when anything else
 * failed (then the error stands).
 */
export function duplicateKeyPositions(error: unknown): number[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  const writeErrors = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{
    index?: unknown;
    code?: unknown;
  }>;
  if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== 11000 || typeof e.index !== 'number'))
    return undefined;
  return writeErrors.map((e) => e.index as number);
}
