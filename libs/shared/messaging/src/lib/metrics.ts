import { Counter, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the messaging layer, registered on the service's registry. */
export interface MessagingMetrics {
  handled: Counter<'topic' | 'group' | 'outcome'>;
  handlerSeconds: Histogram<'topic' | 'group'>;
  deadLettered: Counter<'topic' | 'group'>;
  published: Counter<'topic'>;
}

const cache = new WeakMap<Registry, MessagingMetrics>();

export function messagingMetrics(registry: Registry): MessagingMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const metrics: MessagingMetrics = {
    handled: new Counter({
      name: 'cwhs_messages_handled_total',
      help: 'Messages taken off a topic, by outcome (ok, retried, dead_lettered, invalid).',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    }),
    handlerSeconds: new Histogram({
      name: 'cwhs_message_handler_seconds',
      help: 'Time a handler took for one message (each attempt).',
      labelNames: ['topic', 'group'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'cwhs_messages_dead_lettered_total',
      help: 'Messages sent to the dead-letter topic.',
      labelNames: ['topic', 'group'],
      registers: [registry],
    }),
    published: new Counter({
      name: 'cwhs_events_published_total',
      help: 'Events published, by topic.',
      labelNames: ['topic'],
      registers: [registry],
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}
