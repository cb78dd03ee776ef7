import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * Every message on every topic is one envelope. The envelope is versioned by `schemaVersion` per event
 * type; see docs/adr/0003-event-contracts.md for the rules (additive changes keep the version, anything
 * else is a new version that consumers learn before producers emit it).
 */
export const integrationIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'integration id must be letters, digits, "-" or "_"');

export const envelopeSchema = z.object({
  eventId: z.uuid(),
  type: z.string().min(1).max(100),
  schemaVersion: z.number().int().min(1),
  integrationId: integrationIdSchema,
  runId: z.string().min(1).max(100).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
  /** The event this one was produced in reaction to, if any. */
  causationId: z.uuid().optional(),
  payload: z.record(z.string(), z.unknown()),
});

export type Envelope<P = Record<string, unknown>> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & {
  payload: P;
};

export interface EnvelopeContext {
  integrationId: string;
  runId?: string;
  causationId?: string;
}

export function newEventId(): string {
  return randomUUID();
}

export function nowIso(): string {
  return new Date().toISOString();
}
