import { z } from 'zod';
import { type Envelope, type EnvelopeContext, envelopeSchema, newEventId, nowIso } from './envelope';
import { type EventType, type PayloadOf, latestVersion, lookupEvent } from './events';
import type { TopicName } from './topics';

/** An event that does not satisfy its contract. `reason` is safe to log and to put in a dead-letter header. */
export class InvalidEventError extends Error {
  constructor(public readonly reason: string) {
    super(`invalid event: ${reason}`);
    this.name = 'InvalidEventError';
  }
}

const MAX_REASON = 900;

function describe(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}

/** Validates envelope and payload against the catalogue; returns the parsed event (defaults applied). */
export function validateEvent(candidate: unknown): Envelope {
  const envelope = envelopeSchema.safeParse(candidate);
  if (!envelope.success) throw new InvalidEventError(`envelope ${describe(envelope.error)}`);
  const { type, schemaVersion } = envelope.data;
  const entry = lookupEvent(type, schemaVersion);
  if (!entry) throw new InvalidEventError(`unknown event type/version ${type} v${schemaVersion}`);
  const payload = entry.payload.safeParse(envelope.data.payload);
  if (!payload.success)
    throw new InvalidEventError(`${type} v${schemaVersion} payload ${describe(payload.error)}`);
  return { ...envelope.data, payload: payload.data as Record<string, unknown> };
}

/** Parses raw message bytes (JSON) into a validated event. */
export function decodeEvent(value: Buffer | string | null | undefined): Envelope {
  if (value === null || value === undefined || value.length === 0)
    throw new InvalidEventError('empty message');
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    throw new InvalidEventError('message is not valid JSON');
  }
  return validateEvent(json);
}

export function encodeEvent(event: Envelope): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/** Builds a new event of the latest schema version for `type`, validated. */
export function createEvent<T extends EventType>(
  type: T,
  context: EnvelopeContext,
  payload: PayloadOf<T>,
): Envelope {
  return validateEvent({
    eventId: newEventId(),
    type,
    schemaVersion: latestVersion(type),
    integrationId: context.integrationId,
    ...(context.runId ? { runId: context.runId } : {}),
    ...(context.causationId ? { causationId: context.causationId } : {}),
    occurredAt: nowIso(),
    payload,
  });
}

export function topicOf(event: Pick<Envelope, 'type' | 'schemaVersion'>): TopicName {
  const entry = lookupEvent(event.type, event.schemaVersion);
  if (!entry) throw new InvalidEventError(`unknown event type/version ${event.type} v${event.schemaVersion}`);
  return entry.topic;
}
