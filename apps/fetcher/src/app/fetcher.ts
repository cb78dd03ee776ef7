import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import { TOPICS } from '@cw-hudu-sync/contracts';
import { type IntegrationCredentials, IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import { ManageClient, type ManageClientOptions } from '@cw-hudu-sync/manage-client';
import { EventConsumer, type EventPublisher } from '@cw-hudu-sync/messaging';
import type { SecretBox } from '@cw-hudu-sync/secrets';
import { SnapshotStore } from './snapshot-store';
import { runSync } from './sync-run';
import { WatermarkStore } from './watermark-store';

export const FETCHER_GROUP = 'fetcher';

export interface FetcherSettings {
  kafka: Kafka;
  db: Connection;
  publisher: EventPublisher;
  secrets: SecretBox;
  logger: Logger;
  namespace?: string;
  metrics?: Registry;
  groupId?: string;
  /** Client settings beyond the credentials (page size, attempts, timeouts): tests shrink them. */
  manageClientOptions?: Partial<
    Omit<ManageClientOptions, 'siteUrl' | 'companyId' | 'publicKey' | 'privateKey' | 'clientId'>
  >;
  overlapSeconds?: number;
  /** How long the group waits for a silent member; the sync heartbeats once per page. */
  sessionTimeoutMs?: number;
  maxAttempts?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export interface Fetcher {
  consumer: EventConsumer;
  stop: () => Promise<void>;
}

/**
 * The fetcher: consumes SyncRequested (group `fetcher`) and runs one sync per request. Events are keyed
 * by integration id, so one consumer owns an integration's partition and is the only writer of its
 * snapshots and watermarks.
 */
export async function startFetcher(settings: FetcherSettings): Promise<Fetcher> {
  const snapshots = new SnapshotStore(settings.db);
  await snapshots.ensureIndexes();
  const deps = {
    integrations: new IntegrationStore(settings.db, settings.secrets),
    runs: new RunStore(settings.db),
    snapshots,
    watermarks: new WatermarkStore(settings.db),
    publisher: settings.publisher,
    logger: settings.logger,
    ...(settings.overlapSeconds !== undefined ? { overlapSeconds: settings.overlapSeconds } : {}),
    manageClient: (credentials: IntegrationCredentials) =>
      new ManageClient({ ...settings.manageClientOptions, ...credentials.manage }),
  };
  const consumer = new EventConsumer({
    kafka: settings.kafka,
    groupId: settings.groupId ?? FETCHER_GROUP,
    topics: [TOPICS.syncCommands],
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    publisher: settings.publisher,
    logger: settings.logger,
    ...(settings.metrics ? { metrics: settings.metrics } : {}),
    sessionTimeoutMs: settings.sessionTimeoutMs ?? 60_000,
    ...(settings.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.backoff ? { backoff: settings.backoff } : {}),
    handler: async (event, context) => {
      if (event.type !== 'SyncRequested') {
        context.logger.debug({ type: event.type }, 'not a sync request; ignored');
        return;
      }
      await runSync({ ...deps, logger: context.logger, heartbeat: context.heartbeat }, event);
    },
  });
  await consumer.start();
  return { consumer, stop: () => consumer.stop() };
}
