import { Counter, Histogram, type Registry } from 'prom-client';

export interface CallbackMetrics {
  /** Callbacks answered, by outcome (`accepted`, `duplicate`, `unsigned`, `bad_token`, `bad_signature`, …). */
  received: Counter<'outcome'>;
  /** Records re-read because of callbacks, by kind and outcome (`fetched`, `removed`, `unchanged`, …). */
  records: Counter<'kind' | 'outcome'>;
  /** Seconds from a callback's receipt to its events being published. */
  delay: Histogram;
}

/** The callback metrics on `registry` (created once per registry). */
export function callbackMetrics(registry: Registry): CallbackMetrics {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    received:
      existing<Counter<'outcome'>>('fetcher_callbacks_received_total') ??
      new Counter({
        name: 'fetcher_callbacks_received_total',
        help: 'Manage callbacks answered, by outcome (accepted, or why rejected).',
        labelNames: ['outcome'],
        registers: [registry],
      }),
    records:
      existing<Counter<'kind' | 'outcome'>>('fetcher_callback_records_total') ??
      new Counter({
        name: 'fetcher_callback_records_total',
        help: 'Records re-read from Manage because of callbacks, by kind and outcome.',
        labelNames: ['kind', 'outcome'],
        registers: [registry],
      }),
    delay:
      existing<Histogram>('fetcher_callback_delay_seconds') ??
      new Histogram({
        name: 'fetcher_callback_delay_seconds',
        help: 'Seconds from receiving a callback to publishing its events.',
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  };
}
