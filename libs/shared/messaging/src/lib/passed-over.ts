import type { KafkaMessage } from 'kafkajs';
import { HEADERS } from '@cw-hudu-sync/contracts';

/**
 * The type a message's header names, when `wanted` is given and the message is of another type: such a
 * message is passed over (see EventConsumerSettings.eventTypes). Undefined: handle it.
 */
export function passedOver(
  headers: KafkaMessage['headers'],
  wanted: ReadonlySet<string> | undefined,
): string | undefined {
  if (!wanted) return undefined;
  const raw = headers?.[HEADERS.eventType];
  const type = Array.isArray(raw) ? raw[0] : raw;
  if (type === undefined || type === null) return undefined;
  const name = type.toString();
  return wanted.has(name) ? undefined : name;
}
