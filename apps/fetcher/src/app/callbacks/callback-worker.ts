import type { Collection, Connection, mongo } from 'mongoose';
import type { Envelope, RecordKind } from '@cw-hudu-sync/contracts';
import {
  type CallbackOutcome,
  type CallbackReadContext,
  type CoalescedRecord,
  coalesceCallbacks,
  companyStatusIndex,
  configurationLookups,
  decideCallbackRecord,
  kindsToRead,
  type PreviousSnapshot,
  snapshotId,
} from '@cw-hudu-sync/fetching';
import {
  type IntegrationCredentials,
  IntegrationNotFoundError,
  type IntegrationStore,
} from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import {
  ManageApiError,
  type ManageClient,
  ManageConfigurationError,
  type ManageEntityName,
} from '@cw-hudu-sync/manage-client';
import type { EventPublisher } from '@cw-hudu-sync/messaging';
import type { CallbackMetrics } from './callback-metrics';
import type { DrainerLease } from './drainer-lease';
import type { CallbackInbox } from './inbox-store';

const entityOf: Record<RecordKind, ManageEntityName> = {
  company: 'companies',
  configuration: 'configurations',
  contact: 'contacts',
};

/** The snapshot fields the worker reads and writes (the collection is the sync's, `fetcher_snapshots`). */
interface SnapshotFields {
  _id: string;
  integrationId: string;
  kind: RecordKind;
  manageId: number;
  hash?: string;
  companyManageId?: number;
  seenRunId: string;
  updatedAt: Date;
}

/** Per-integration callback health, written by the inbox's drainer only (one writer). */
export interface CallbackHealthDocument {
  _id: string;
  lastReceivedAt?: Date;
  lastProcessedAt?: Date;
  processed?: Partial<Record<CallbackOutcome, number>>;
  lastError?: string;
  lastErrorAt?: Date;
}

export interface CallbackWorkerSettings {
  db: Connection;
  inbox: CallbackInbox;
  lease: DrainerLease;
  integrations: Pick<IntegrationStore, 'credentials'>;
  publisher: Pick<EventPublisher, 'publish'>;
  manageClient: (credentials: IntegrationCredentials) => ManageClient;
  logger: Logger;
  metrics?: CallbackMetrics;
  /** How often an idle worker looks at the inbox (callbacks received by another replica). */
  pollMs?: number;
  batchSize?: number;
  /** Parallel Manage reads per integration. */
  readConcurrency?: number;
  /** How long credentials and a Manage client are reused before re-reading the integration. */
  sessionTtlMs?: number;
  /** How long reference lists (company statuses, configuration types and statuses) are reused. */
  lookupsTtlMs?: number;
  /** Called by the loop when due (the registration reconcile), while this replica holds the lease. */
  periodic?: { everyMs: number; run: () => Promise<void> };
}

interface Session {
  credentials: IntegrationCredentials;
  client: ManageClient;
  openedAt: number;
  lookups?: { read: CallbackReadContext; at: number; configurations: boolean };
}

/**
 * Drains the callback inbox: coalesces the waiting callbacks per record, re-reads each record by id from
 * Manage (the payload is only a hint), emits what the sync would emit for it (unchanged content emits
 * nothing), records the snapshots, and only then deletes the inbox entries. A failure leaves the entries in
 * place: the integration backs off and is retried (Kafka or Manage away) — nothing accepted is lost.
 */
export class CallbackWorker {
  private readonly sessions = new Map<string, Session>();
  private readonly backoff = new Map<string, { until: number; delayMs: number }>();
  private readonly snapshots: Collection<SnapshotFields>;
  private readonly health: Collection<CallbackHealthDocument>;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private lastPeriodic = 0;

  constructor(private readonly settings: CallbackWorkerSettings) {
    this.snapshots = settings.db.collection<SnapshotFields>('fetcher_snapshots');
    this.health = settings.db.collection<CallbackHealthDocument>('fetcher_callback_health');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.all([...this.sessions.values()].map((s) => s.client.close().catch(() => undefined)));
    this.sessions.clear();
  }

  /** A callback was stored: look at the inbox now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Forgets the cached credentials, client and reference lists of an integration (it changed). */
  forget(integrationId: string): void {
    const session = this.sessions.get(integrationId);
    this.sessions.delete(integrationId);
    this.backoff.delete(integrationId);
    void session?.client.close().catch(() => undefined);
  }

  async healthOf(integrationId: string): Promise<CallbackHealthDocument | undefined> {
    return (await this.health.findOne({ _id: integrationId })) ?? undefined;
  }

  private async run(): Promise<void> {
    const pollMs = this.settings.pollMs ?? 500;
    while (this.running) {
      let worked = false;
      try {
        if (await this.settings.lease.holds()) {
          worked = await this.drainOnce();
          const periodic = this.settings.periodic;
          if (periodic && Date.now() - this.lastPeriodic >= periodic.everyMs) {
            this.lastPeriodic = Date.now();
            await periodic
              .run()
              .catch((error: unknown) =>
                this.settings.logger.warn({ err: error }, 'callback registration reconcile failed'),
              );
          }
        }
      } catch (error) {
        this.settings.logger.warn({ err: error }, 'callback inbox not drained; retrying');
      }
      if (!worked && this.running) await this.sleep(pollMs);
    }
  }

  private async sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }

  /** One batch: true when there was something to do (the loop continues at once). */
  async drainOnce(): Promise<boolean> {
    const now = Date.now();
    for (const [id, b] of this.backoff) if (b.until <= now) this.backoff.delete(id);
    const waiting = [...this.backoff.keys()];
    const entries = await this.settings.inbox.oldest(this.settings.batchSize ?? 500, waiting);
    if (entries.length === 0) return false;
    const groups = coalesceCallbacks(entries);
    await Promise.all(
      [...groups].map(async ([integrationId, records]) => {
        try {
          await this.processIntegration(integrationId, records);
          this.backoff.delete(integrationId);
        } catch (error) {
          await this.failed(integrationId, records, error);
        }
      }),
    );
    return true;
  }

  private async processIntegration(integrationId: string, records: CoalescedRecord[]): Promise<void> {
    const started = Date.now();
    const session = await this.session(integrationId);
    const kinds = kindsToRead(session.credentials.options);
    const wanted = records.filter((record) => kinds.includes(record.kind));
    const ignored = records.filter((record) => !kinds.includes(record.kind));
    const read = await this.lookups(session, wanted);
    const previous = await this.previous(integrationId, wanted);
    const current = await mapLimit(wanted, this.settings.readConcurrency ?? 8, (record) =>
      this.reread(session.client, record),
    );
    const context = { integrationId };
    const events: Envelope[] = [];
    const writes: mongo.AnyBulkWriteOperation<SnapshotFields>[] = [];
    const outcomes = new Map<CallbackOutcome, number>();
    wanted.forEach((record, i) => {
      const key = snapshotId(integrationId, record.kind, record.manageId);
      const decision = decideCallbackRecord(
        record.kind,
        record.manageId,
        current[i],
        previous.get(key),
        read,
        context,
      );
      outcomes.set(decision.outcome, (outcomes.get(decision.outcome) ?? 0) + 1);
      this.settings.metrics?.records.inc({ kind: record.kind, outcome: decision.outcome });
      if (decision.outcome === 'failed') {
        this.settings.logger.warn(
          { integrationId, kind: record.kind, manageId: record.manageId, reason: decision.reason },
          'record from a callback not synced',
        );
      }
      events.push(...decision.events);
      if (decision.snapshot.action === 'record') {
        writes.push({
          updateOne: {
            filter: { _id: key },
            update: {
              $set: {
                integrationId,
                kind: record.kind,
                manageId: record.manageId,
                hash: decision.snapshot.hash,
                updatedAt: new Date(),
                ...(decision.snapshot.companyManageId !== undefined
                  ? { companyManageId: decision.snapshot.companyManageId }
                  : {}),
              },
              // a record new to the snapshots: not seen by any run (a full run in progress may report it missing)
              $setOnInsert: { seenRunId: 'callback' },
            },
            upsert: true,
          },
        });
      } else if (decision.snapshot.action === 'forget') {
        writes.push({ deleteOne: { filter: { _id: key } } });
      }
    });
    // Events first, then the snapshots that describe them, then the inbox: a crash in between re-emits.
    await this.settings.publisher.publish(events);
    if (writes.length > 0) await this.snapshots.bulkWrite(writes, { ordered: true });
    await this.settings.inbox.remove(records.flatMap((record) => record.entryIds));
    const lastReceivedAt = new Date(Math.max(...records.map((r) => r.lastReceivedAt.getTime())));
    const inc = Object.fromEntries([...outcomes].map(([outcome, n]) => [`processed.${outcome}`, n]));
    await this.health.updateOne(
      { _id: integrationId },
      {
        $set: { lastReceivedAt, lastProcessedAt: new Date() },
        ...(Object.keys(inc).length > 0 ? { $inc: inc } : {}),
      },
      { upsert: true },
    );
    for (const record of wanted) {
      this.settings.metrics?.delay.observe(Math.max(0, Date.now() - record.firstReceivedAt.getTime()) / 1000);
    }
    this.settings.logger.debug(
      {
        integrationId,
        records: wanted.length,
        ignored: ignored.length,
        events: events.length,
        ms: Date.now() - started,
      },
      'callbacks processed',
    );
  }

  /** The record as Manage has it now, or undefined when Manage no longer has it (404). */
  private async reread(
    client: ManageClient,
    record: CoalescedRecord,
  ): Promise<{ id: number; [field: string]: unknown } | undefined> {
    try {
      return (await client.get(entityOf[record.kind], record.manageId)) as {
        id: number;
        [field: string]: unknown;
      };
    } catch (error) {
      if (error instanceof ManageApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async previous(
    integrationId: string,
    records: readonly CoalescedRecord[],
  ): Promise<Map<string, PreviousSnapshot>> {
    const found = new Map<string, PreviousSnapshot>();
    if (records.length === 0) return found;
    const docs = await this.snapshots
      .find(
        { _id: { $in: records.map((r) => snapshotId(integrationId, r.kind, r.manageId)) } },
        { projection: { hash: 1, companyManageId: 1 } },
      )
      .toArray();
    for (const doc of docs) {
      found.set(doc._id, {
        ...(doc.hash !== undefined ? { hash: doc.hash } : {}),
        ...(doc.companyManageId !== undefined ? { companyManageId: doc.companyManageId } : {}),
      });
    }
    return found;
  }

  private async session(integrationId: string): Promise<Session> {
    const cached = this.sessions.get(integrationId);
    if (cached && Date.now() - cached.openedAt < (this.settings.sessionTtlMs ?? 60_000)) return cached;
    const credentials = await this.settings.integrations.credentials(integrationId);
    if (cached) void cached.client.close().catch(() => undefined);
    const session: Session = {
      credentials,
      client: this.settings.manageClient(credentials),
      openedAt: Date.now(),
      ...(cached?.lookups ? { lookups: cached.lookups } : {}),
    };
    this.sessions.set(integrationId, session);
    return session;
  }

  private async lookups(session: Session, records: readonly CoalescedRecord[]): Promise<CallbackReadContext> {
    const needsConfigurations = records.some((r) => r.kind === 'configuration');
    const ttl = this.settings.lookupsTtlMs ?? 600_000;
    const cached = session.lookups;
    const skippedTypeIds = new Set(session.credentials.options.skippedConfigurationTypeIds);
    if (cached && Date.now() - cached.at < ttl && (cached.configurations || !needsConfigurations)) {
      return { ...cached.read, skippedTypeIds };
    }
    const { client } = session;
    const statuses = companyStatusIndex(await collect(client.records('companyStatuses')));
    const lookups = needsConfigurations
      ? configurationLookups(
          await collect(client.records('configurationTypes')),
          await collect(client.records('configurationStatuses')),
        )
      : configurationLookups();
    const read = { statuses, lookups, skippedTypeIds };
    session.lookups = { read, at: Date.now(), configurations: needsConfigurations };
    return read;
  }

  private async failed(integrationId: string, records: CoalescedRecord[], error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const permanent =
      error instanceof IntegrationNotFoundError ||
      error instanceof ManageConfigurationError ||
      (error instanceof ManageApiError && !error.retryable);
    await this.health
      .updateOne(
        { _id: integrationId },
        { $set: { lastError: reason.slice(0, 500), lastErrorAt: new Date() } },
        { upsert: !(error instanceof IntegrationNotFoundError) },
      )
      .catch(() => undefined);
    if (permanent) {
      // No retry can fix it (unknown integration, refused credentials): the poll and the reconcile remain.
      this.settings.logger.error(
        { err: error, integrationId, records: records.length },
        'callbacks dropped: the integration cannot be read',
      );
      this.forget(integrationId);
      await this.settings.inbox.remove(records.flatMap((record) => record.entryIds)).catch(() => undefined);
      return;
    }
    const previous = this.backoff.get(integrationId)?.delayMs ?? 0;
    const delayMs = Math.min(5_000, Math.max(250, previous * 2));
    this.backoff.set(integrationId, { until: Date.now() + delayMs, delayMs });
    this.settings.logger.warn(
      { err: error, integrationId, records: records.length, retryInMs: delayMs },
      'callbacks not processed yet; kept in the inbox',
    );
  }
}

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** `fn` over `items` with at most `limit` at a time; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
