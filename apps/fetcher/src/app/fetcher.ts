import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import { hostname } from 'node:os';
import { syncRequestedV1, TOPICS } from '@cw-hudu-sync/contracts';
import { scheduledCommandVerdict } from '@cw-hudu-sync/fetching';
import {
  type IntegrationCredentials,
  IntegrationStore,
  RunStore,
  ScheduleStore,
} from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import { ManageClient, type ManageClientOptions } from '@cw-hudu-sync/manage-client';
import { EventConsumer, type EventPublisher } from '@cw-hudu-sync/messaging';
import type { SecretBox } from '@cw-hudu-sync/secrets';
import { SnapshotStore } from './snapshot-store';
import { RunLeaseStore } from './run-lease';
import { SyncScheduler } from './scheduler';
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
  /** `host:pid` of this process: recorded with schedule claims and run leases. */
  replica?: string;
  /** How long a run lease lives without renewal (a dead fetcher's run is taken over after it; default 30 s). */
  leaseTtlMs?: number;
  /** The continuous-sync scheduler of this replica; off unless given (main.ts turns it on). */
  scheduler?: { tickMs?: number; orphanAfterMs?: number };
}

export interface Fetcher {
  consumer: EventConsumer;
  scheduler?: SyncScheduler;
  leases: RunLeaseStore;
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
  const replica = settings.replica ?? `${hostname()}:${process.pid}`;
  const integrations = new IntegrationStore(settings.db, settings.secrets);
  const schedule = new ScheduleStore(settings.db);
  await schedule.ensureIndexes();
  const leases = new RunLeaseStore(settings.db, replica);
  await leases.ensureIndexes();
  const leaseTtlMs = settings.leaseTtlMs ?? 30_000;
  const deps = {
    integrations,
    runs: new RunStore(settings.db, { stage: 'fetch' }),
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
      const request = syncRequestedV1.safeParse(event.payload);
      if (request.success && request.data.schedule) {
        const skip = await scheduledSkip(
          { integrations, schedule },
          event.integrationId,
          request.data.schedule.kind,
          new Date(request.data.schedule.slotAt),
        );
        if (skip) {
          context.logger.info({ runId: event.runId, reason: skip }, 'scheduled sync skipped');
          return;
        }
      }
      // One run per integration at a time, whichever replica the command reaches (see RunLeaseStore).
      const runId = event.runId ?? event.eventId;
      const lease = await leases.acquire(event.integrationId, runId, {
        ttlMs: leaseTtlMs,
        heartbeat: context.heartbeat,
      });
      try {
        await runSync(
          {
            ...deps,
            logger: context.logger,
            heartbeat: context.heartbeat,
            assertStillOwner: () => lease.assertHeld(),
          },
          event,
        );
      } catch (error) {
        await lease.release('failed').catch(() => undefined);
        throw error;
      }
      await lease.release('completed');
    },
  });
  await consumer.start();
  let scheduler: SyncScheduler | undefined;
  if (settings.scheduler) {
    scheduler = new SyncScheduler({
      integrations,
      schedule,
      publisher: settings.publisher,
      logger: settings.logger.child({ component: 'scheduler' }),
      replica,
      ...settings.scheduler,
    });
    scheduler.start();
  }
  return {
    consumer,
    leases,
    ...(scheduler ? { scheduler } : {}),
    stop: async () => {
      await scheduler?.stop();
      await consumer.stop();
    },
  };
}

/** Why a scheduled command is not run (continuous sync switched off, or a later poll queued), if so. */
async function scheduledSkip(
  stores: { integrations: IntegrationStore; schedule: ScheduleStore },
  integrationId: string,
  kind: 'poll' | 'reconcile',
  slotAt: Date,
): Promise<string | undefined> {
  const integration = await stores.integrations.get(integrationId);
  if (!integration) return undefined; // the run reports the missing integration
  const verdict = scheduledCommandVerdict({
    kind,
    enabled: integration.options.continuousSync.enabled,
    laterSlotExists: kind === 'poll' && (await stores.schedule.hasLaterSlot(integrationId, kind, slotAt)),
  });
  return verdict.action === 'skip' ? verdict.reason : undefined;
}
