import diagnostics from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Envelope } from '@cw-hudu-sync/contracts';
import { lagMetrics, messagingMetrics } from '@cw-hudu-sync/messaging';

/**
 * The product's metrics, fed by facts the libraries publish on `node:diagnostics_channel`:
 * the Manage and Hudu clients (each HTTP exchange, budget waits, 429s) and the run store (record
 * outcomes, run stages). Libraries stay free of any metrics library and of the registry; the platform
 * subscribes once per registry and turns facts into Prometheus series. Facts are plain objects; a
 * malformed one is ignored rather than allowed to break the code that published it.
 *
 * Every metric is registered when the platform starts, so /metrics lists it (HELP and TYPE) even
 * before the first sample: dashboards and alert rules can be checked against any running service.
 */
export const FACT_CHANNELS = {
  /** libs/clients/manage (MANAGE_CHANNELS.call). */
  manageCall: 'cwhs:manage:call',
  /** libs/clients/hudu (HUDU_CHANNELS). */
  huduCall: 'cwhs:hudu:call',
  huduBudgetWait: 'cwhs:hudu:budget-wait',
  huduRateLimited: 'cwhs:hudu:rate-limited',
  /** libs/shared/integrations (RunStore.channels). */
  runCount: 'cwhs:run:count',
  runStage: 'cwhs:run:stage',
  /** libs/shared/persistence (DATABASE_CHANNELS.command). */
  databaseCommand: 'cwhs:database:command',
} as const;

export interface ProductMetrics {
  records: Counter<'integration' | 'kind' | 'outcome'>;
  eventsByType: Counter<'integration' | 'type'>;
  runStages: Counter<'integration' | 'stage'>;
  lastSuccessfulSync: Gauge<'integration'>;
  manageRequests: Counter<'method' | 'route' | 'status'>;
  manageRequestSeconds: Histogram<'method' | 'route'>;
  manageAuthFailures: Counter<'status'>;
  huduRequests: Counter<'method' | 'route' | 'status'>;
  huduRequestSeconds: Histogram<'method' | 'route'>;
  huduRateLimited: Counter<'route'>;
  huduRateLimitWaitSeconds: Counter<string>;
  huduBudgetWaitSeconds: Histogram<string>;
  databaseCommandSeconds: Histogram<'command' | 'collection' | 'ok'>;
}

const HTTP_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DATABASE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];
const WAIT_BUCKETS = [0.001, 0.1, 0.5, 1, 5, 15, 30, 60, 120];

function createMetrics(registry: Registry): ProductMetrics {
  const registers = [registry];
  return {
    records: new Counter({
      name: 'cwhs_records_total',
      help: 'Records by what happened to them in a run (fetched, unchanged, matched, parked, created, updated, skipped, blocked, failed, …), by kind and integration. Same numbers as the run progress.',
      labelNames: ['integration', 'kind', 'outcome'],
      registers,
    }),
    eventsByType: new Counter({
      name: 'cwhs_events_published_by_type_total',
      help: 'Events this service published, by event type and integration.',
      labelNames: ['integration', 'type'],
      registers,
    }),
    runStages: new Counter({
      name: 'cwhs_run_stages_total',
      help: 'Sync runs entering a stage (fetching, importing, completed, failed, …), by integration.',
      labelNames: ['integration', 'stage'],
      registers,
    }),
    lastSuccessfulSync: new Gauge({
      name: 'cwhs_last_successful_sync_timestamp_seconds',
      help: 'When the last sync of the integration finished reading Manage (FetchCompleted) or completed, in Unix seconds.',
      labelNames: ['integration'],
      registers,
    }),
    manageRequests: new Counter({
      name: 'cwhs_manage_requests_total',
      help: 'HTTP exchanges with ConnectWise Manage by route template and status ("none" when no answer came).',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    manageRequestSeconds: new Histogram({
      name: 'cwhs_manage_request_seconds',
      help: 'Duration of one HTTP exchange with ConnectWise Manage.',
      labelNames: ['method', 'route'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    manageAuthFailures: new Counter({
      name: 'cwhs_manage_auth_failures_total',
      help: 'Manage answers 401 (keys wrong or revoked) and 403 (security role missing a permission).',
      labelNames: ['status'],
      registers,
    }),
    huduRequests: new Counter({
      name: 'cwhs_hudu_requests_total',
      help: 'HTTP exchanges with Hudu by route template and status ("none" when no answer came).',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    huduRequestSeconds: new Histogram({
      name: 'cwhs_hudu_request_seconds',
      help: 'Duration of one HTTP exchange with Hudu (budget wait excluded).',
      labelNames: ['method', 'route'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    huduRateLimited: new Counter({
      name: 'cwhs_hudu_rate_limited_total',
      help: 'Hudu 429 answers, by route template.',
      labelNames: ['route'],
      registers,
    }),
    huduRateLimitWaitSeconds: new Counter({
      name: 'cwhs_hudu_rate_limit_wait_seconds_total',
      help: 'Time Hudu keys were paused after 429 answers, in seconds.',
      registers,
    }),
    huduBudgetWaitSeconds: new Histogram({
      name: 'cwhs_hudu_budget_wait_seconds',
      help: 'Time each Hudu request queued for its key’s request budget (300/min); _count is the requests granted.',
      buckets: WAIT_BUCKETS,
      registers,
    }),
    databaseCommandSeconds: new Histogram({
      name: 'cwhs_database_command_seconds',
      help: 'Duration of one MongoDB command by command (find, insert, update, …), collection and success; _sum by collection shows where database time goes.',
      labelNames: ['command', 'collection', 'ok'],
      buckets: DATABASE_BUCKETS,
      registers,
    }),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const text = (value: unknown, fallback = 'unknown') =>
  typeof value === 'string' && value !== '' ? value.slice(0, 100) : fallback;
const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
const statusLabel = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) ? String(value) : 'none';

/** Which published event types mean "the integration's sync finished reading Manage". */
const SYNC_COMPLETED_EVENTS = new Set(['FetchCompleted']);

export interface ServiceMetrics {
  metrics: ProductMetrics;
  /** Counts published events by type and integration (the platform's publisher calls it). */
  published(events: readonly Envelope[]): void;
  /** Stops listening to the libraries' facts. */
  close(): void;
}

/**
 * Registers every product metric on `registry` (messaging, lag and the product's own) and subscribes
 * to the libraries' facts. One per registry; `close()` unsubscribes.
 */
export function registerServiceMetrics(registry: Registry): ServiceMetrics {
  messagingMetrics(registry);
  lagMetrics(registry);
  const metrics = createMetrics(registry);

  const handlers: Record<string, (fact: unknown) => void> = {
    [FACT_CHANNELS.manageCall]: (fact) => {
      if (!isRecord(fact)) return;
      const labels = { method: text(fact['method']), route: text(fact['route']) };
      const status = statusLabel(fact['status']);
      metrics.manageRequests.inc({ ...labels, status });
      const seconds = finite(fact['seconds']);
      if (seconds !== undefined) metrics.manageRequestSeconds.observe(labels, seconds);
      if (status === '401' || status === '403') metrics.manageAuthFailures.inc({ status });
    },
    [FACT_CHANNELS.huduCall]: (fact) => {
      if (!isRecord(fact)) return;
      const labels = { method: text(fact['method']), route: text(fact['route']) };
      metrics.huduRequests.inc({ ...labels, status: statusLabel(fact['status']) });
      const seconds = finite(fact['seconds']);
      if (seconds !== undefined) metrics.huduRequestSeconds.observe(labels, seconds);
    },
    [FACT_CHANNELS.huduBudgetWait]: (fact) => {
      const waitedMs = isRecord(fact) ? finite(fact['waitedMs']) : undefined;
      if (waitedMs !== undefined) metrics.huduBudgetWaitSeconds.observe(waitedMs / 1000);
    },
    [FACT_CHANNELS.huduRateLimited]: (fact) => {
      if (!isRecord(fact)) return;
      metrics.huduRateLimited.inc({ route: text(fact['route']) });
      const waitMs = finite(fact['waitMs']);
      if (waitMs !== undefined) metrics.huduRateLimitWaitSeconds.inc(waitMs / 1000);
    },
    [FACT_CHANNELS.runCount]: (fact) => {
      if (!isRecord(fact)) return;
      const n = finite(fact['n']);
      if (n === undefined || n === 0) return;
      metrics.records.inc(
        {
          integration: text(fact['integrationId']),
          kind: text(fact['kind']),
          outcome: text(fact['outcome']),
        },
        n,
      );
    },
    [FACT_CHANNELS.databaseCommand]: (fact) => {
      if (!isRecord(fact)) return;
      const seconds = finite(fact['seconds']);
      if (seconds === undefined) return;
      metrics.databaseCommandSeconds.observe(
        {
          command: text(fact['command']),
          collection: text(fact['collection'], 'none'),
          ok: fact['ok'] === false ? 'false' : 'true',
        },
        seconds,
      );
    },
    [FACT_CHANNELS.runStage]: (fact) => {
      if (!isRecord(fact)) return;
      const integration = text(fact['integrationId']);
      const stage = text(fact['stage']);
      metrics.runStages.inc({ integration, stage });
      const at = finite(fact['at']);
      if (stage === 'completed' && at !== undefined)
        metrics.lastSuccessfulSync.set({ integration }, at / 1000);
    },
  };
  // A subscriber that throws would surface in the publishing library as an uncaught exception.
  const guarded = Object.entries(handlers).map(([channel, handler]) => {
    const safe = (fact: unknown) => {
      try {
        handler(fact);
      } catch {
        // a metric must never break the work it observes
      }
    };
    return [channel, safe] as const;
  });
  for (const [channel, handler] of guarded) diagnostics.subscribe(channel, handler);

  return {
    metrics,
    published(events) {
      for (const event of events) {
        metrics.eventsByType.inc({ integration: event.integrationId, type: event.type });
        if (SYNC_COMPLETED_EVENTS.has(event.type)) {
          const at = Date.parse(event.occurredAt);
          metrics.lastSuccessfulSync.set(
            { integration: event.integrationId },
            (Number.isFinite(at) ? at : Date.now()) / 1000,
          );
        }
      }
    },
    close() {
      for (const [channel, handler] of guarded) diagnostics.unsubscribe(channel, handler);
    },
  };
}
