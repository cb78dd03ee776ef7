import {
  createEvent,
  type Envelope,
  type EnvelopeContext,
  type RecordKind,
  syncRequestedV1,
} from '@cw-hudu-sync/contracts';
import {
  cappedWatermark,
  companyStatusIndex,
  type CompanyStatusIndex,
  configurationLookups,
  type ConfigurationLookups,
  decideCompany,
  decideConfiguration,
  decideContact,
  FetchTally,
  fetchedEventType,
  kindsToRead,
  nextWatermark,
  type ManageCompanyRecord,
  type ManageConfigurationRecord,
  type ManageContactRecord,
  type RecordDecision,
  removedEventType,
  toCompanySnapshot,
  toConfigurationSnapshot,
  toContactSnapshot,
} from '@cw-hudu-sync/fetching';
import {
  type IntegrationCredentials,
  IntegrationNotFoundError,
  type IntegrationStore,
  type RunStore,
} from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import {
  ManageApiError,
  type ManageClient,
  ManageConfigurationError,
  type ManageEntityName,
  type Page,
} from '@cw-hudu-sync/manage-client';
import { type EventPublisher, PermanentFailure, reasonOf } from '@cw-hudu-sync/messaging';
import type { EmittedRecord, SeenRecord, SnapshotStore } from './snapshot-store';
import type { WatermarkStore } from './watermark-store';

const SERVICE = 'fetcher';

export interface SyncDependencies {
  integrations: Pick<IntegrationStore, 'credentials' | 'recordDiscoveredTypes'>;
  runs: Pick<RunStore, 'start' | 'setStage' | 'count' | 'addError'>;
  snapshots: SnapshotStore;
  watermarks: WatermarkStore;
  publisher: Pick<EventPublisher, 'publish'>;
  /** A Manage client for an integration's credentials (closed by the run). */
  manageClient: (credentials: IntegrationCredentials) => ManageClient;
  logger: Logger;
  /** Seconds re-read before an incremental watermark (Manage stamps whole seconds; clocks drift). */
  overlapSeconds?: number;
  /** Removed records published per batch on a full run. */
  removalBatchSize?: number;
  /** Keeps the consumer's group membership alive during a long sync (called once per page). */
  heartbeat?: () => Promise<void>;
  /**
   * Throws when this process may no longer run the integration (its run lease was taken over): called
   * before anything is published or a watermark moves, so a lost run stops before it writes.
   */
  assertStillOwner?: () => void;
  /** The clock the watermark cap reads (tests move it). */
  now?: () => number;
}

const entityOf: Record<RecordKind, ManageEntityName> = {
  company: 'companies',
  configuration: 'configurations',
  contact: 'contacts',
};

/**
 * One SyncRequested, handled: reads the integration's Manage page by page (companies, then their
 * configurations and contacts), publishes what changed, reports what disappeared on a full run, and ends
 * with FetchCompleted. Idempotent: a redelivery finds the snapshots of what was already published and
 * publishes only the rest (at worst a page published twice when a crash came between publish and record).
 */
export async function runSync(deps: SyncDependencies, event: Envelope): Promise<void> {
  const request = syncRequestedV1.parse(event.payload);
  const integrationId = event.integrationId;
  // A redelivered request without a run id keeps one run: the event id is stable across deliveries.
  const runId = event.runId ?? event.eventId;
  const context: EnvelopeContext = { integrationId, runId, causationId: event.eventId };
  const logger = deps.logger.child({ integrationId, runId, mode: request.mode, force: request.force });

  await deps.runs.start(runId, integrationId, request.mode);
  let credentials: IntegrationCredentials;
  try {
    credentials = await deps.integrations.credentials(integrationId);
  } catch (error) {
    if (error instanceof IntegrationNotFoundError) await fail(deps, runId, error, logger);
    throw error;
  }
  await deps.runs.setStage(runId, 'fetching');
  let client: ManageClient;
  try {
    client = deps.manageClient(credentials);
  } catch (error) {
    await fail(deps, runId, error, logger);
    throw error;
  }
  try {
    await fetchAll(deps, {
      client,
      credentials,
      context,
      runId,
      force: request.force,
      mode: request.mode,
      logger,
    });
  } catch (error) {
    if (isPermanent(error)) await fail(deps, runId, error, logger);
    throw error;
  } finally {
    await client.close().catch(() => undefined);
  }
}

interface RunContext {
  client: ManageClient;
  credentials: IntegrationCredentials;
  context: EnvelopeContext;
  runId: string;
  force: boolean;
  mode: 'full' | 'incremental';
  logger: Logger;
}

async function fetchAll(deps: SyncDependencies, run: RunContext): Promise<void> {
  const { client, credentials, context, mode, logger } = run;
  const integrationId = credentials.id;
  const options = credentials.options;
  const kinds = kindsToRead(options);
  const tally = new FetchTally();

  // Small reference lists first: which statuses make a company inactive, the configuration types and statuses.
  const statuses = companyStatusIndex(await collect(client.pages('companyStatuses')));
  let lookups: ConfigurationLookups = configurationLookups();
  if (kinds.includes('configuration')) {
    const types = await collect(client.pages('configurationTypes'));
    for (const type of types) tally.knownType(type.id, type.name);
    lookups = configurationLookups(types, await collect(client.pages('configurationStatuses')));
  }
  const skippedTypeIds = new Set(options.skippedConfigurationTypeIds);

  for (const kind of kinds) {
    const watermark = mode === 'incremental' ? await deps.watermarks.get(integrationId, kind) : undefined;
    const pages: AsyncIterable<Page<{ id: number; _info?: Record<string, string> }>> =
      watermark === undefined
        ? client.pages(entityOf[kind])
        : client.changedSince(entityOf[kind], watermark, { overlapSeconds: deps.overlapSeconds ?? 1 });
    // Read the clock before the first page: the watermark never moves past this moment (see cappedWatermark).
    const walkStartedAt = (deps.now ?? Date.now)();
    let latest = watermark;
    for await (const page of pages) {
      await processPage(deps, run, kind, page.records, { statuses, lookups, skippedTypeIds, tally });
      await deps.heartbeat?.().catch(() => undefined);
      latest = nextWatermark(
        latest,
        page.records.map((record) => record._info?.['lastUpdated']),
      );
    }
    // Only now are all of this kind's events published: the next incremental run may start from here.
    const advanced = cappedWatermark(latest, walkStartedAt, watermark);
    if (advanced !== undefined && advanced !== watermark) {
      deps.assertStillOwner?.();
      await deps.watermarks.set(integrationId, kind, advanced);
    }
    logger.info({ kind, counts: tally.toCounts() }, 'kind fetched');
  }

  if (mode === 'full') {
    for (const kind of kinds) await publishMissing(deps, run, kind, tally);
  }

  const configurationTypes = kinds.includes('configuration')
    ? tally.configurationTypes().map(({ id, name, count }) => ({ id, name, count }))
    : [];
  if (mode === 'full' && kinds.includes('configuration')) {
    await deps.integrations.recordDiscoveredTypes(integrationId, configurationTypes);
  }
  // Fetching is over; matching and importing go on downstream as the events arrive. Said before
  // FetchCompleted is published, so whoever sees FetchCompleted sees the run's stage past fetching.
  await deps.runs.setStage(run.runId, 'importing');
  deps.assertStillOwner?.();
  await deps.publisher.publish(
    createEvent('FetchCompleted', context, { mode, counts: tally.toCounts(), configurationTypes }),
  );
  logger.info({ counts: tally.toCounts() }, 'fetch completed');
}

interface PageLookups {
  statuses: CompanyStatusIndex;
  lookups: ConfigurationLookups;
  skippedTypeIds: ReadonlySet<number>;
  tally: FetchTally;
}

async function processPage(
  deps: SyncDependencies,
  run: RunContext,
  kind: RecordKind,
  records: ReadonlyArray<{ id: number }>,
  { statuses, lookups, skippedTypeIds, tally }: PageLookups,
): Promise<void> {
  const integrationId = run.credentials.id;
  const { hashes: previous, stored } = await deps.snapshots.previous(
    integrationId,
    kind,
    records.map((record) => record.id),
  );
  const events: Envelope[] = [];
  const emitted: EmittedRecord[] = [];
  const seen: SeenRecord[] = [];
  const rejected: Array<{ manageId: number; reason: string }> = [];

  const outcomes = new Map<string, number>();
  for (const record of records) {
    const { decision, fetched } = decide(
      kind,
      record,
      run.context,
      { statuses, lookups, skippedTypeIds, tally },
      {
        previousHash: previous.get(record.id),
        force: run.force,
      },
    );
    tally.record(kind, decision);
    outcomes.set(runOutcome[decision.action], (outcomes.get(runOutcome[decision.action]) ?? 0) + 1);
    switch (decision.action) {
      case 'emit':
        if (fetched) events.push(fetched);
        emitted.push(pick(decision));
        break;
      case 'remove':
        events.push(
          createEvent(removedEventType[kind], run.context, {
            manageId: decision.manageId,
            ...(decision.companyManageId !== undefined ? { companyManageId: decision.companyManageId } : {}),
            reason: 'deleted',
          }),
        );
        emitted.push(pick(decision));
        break;
      case 'unchanged':
      case 'skip':
        seen.push(pick(decision));
        break;
      case 'reject':
        seen.push({ manageId: decision.manageId });
        rejected.push(decision);
        break;
    }
  }

  deps.assertStillOwner?.();
  await deps.publisher.publish(events);
  await deps.snapshots.recordPage(integrationId, kind, run.runId, emitted, seen, stored);
  for (const [outcome, n] of outcomes) await deps.runs.count(run.runId, kind, outcome, n);
  for (const { manageId, reason } of rejected) {
    run.logger.warn({ kind, manageId, reason }, 'record not synced');
    await deps.runs.addError(run.runId, { service: SERVICE, kind, manageId, reason });
  }
}

/** The run-status outcome of each decision. */
const runOutcome: Record<RecordDecision<unknown>['action'], string> = {
  emit: 'fetched',
  remove: 'removed',
  unchanged: 'unchanged',
  skip: 'skipped',
  reject: 'failed',
};

/** Maps one record, decides what to do with it, and builds its …Fetched event when it is to be emitted. */
function decide(
  kind: RecordKind,
  record: { id: number },
  context: EnvelopeContext,
  { statuses, lookups, skippedTypeIds, tally }: PageLookups,
  options: { previousHash: string | undefined; force: boolean },
): { decision: RecordDecision<unknown>; fetched?: Envelope } {
  const decisionOptions = {
    force: options.force,
    ...(options.previousHash !== undefined ? { previousHash: options.previousHash } : {}),
  };
  switch (kind) {
    case 'company': {
      const decision = decideCompany(
        record.id,
        toCompanySnapshot(record as ManageCompanyRecord, statuses),
        decisionOptions,
      );
      if (decision.action !== 'emit') return { decision };
      const payload = { manageId: decision.manageId, contentHash: decision.hash, company: decision.snapshot };
      return { decision, fetched: createEvent(fetchedEventType.company, context, payload) };
    }
    case 'configuration': {
      const result = toConfigurationSnapshot(record as ManageConfigurationRecord, lookups);
      if (result.ok) tally.configurationOfType(result.snapshot.typeId, result.snapshot.typeName);
      const decision = decideConfiguration(record.id, result, { ...decisionOptions, skippedTypeIds });
      if (decision.action !== 'emit') return { decision };
      const payload = {
        manageId: decision.manageId,
        companyManageId: decision.snapshot.companyId,
        contentHash: decision.hash,
        configuration: decision.snapshot,
      };
      return { decision, fetched: createEvent(fetchedEventType.configuration, context, payload) };
    }
    case 'contact': {
      const decision = decideContact(
        record.id,
        toContactSnapshot(record as ManageContactRecord),
        decisionOptions,
      );
      if (decision.action !== 'emit') return { decision };
      const payload = {
        manageId: decision.manageId,
        companyManageId: decision.snapshot.companyId,
        contentHash: decision.hash,
        contact: decision.snapshot,
      };
      return { decision, fetched: createEvent(fetchedEventType.contact, context, payload) };
    }
  }
}

function pick(decision: {
  manageId: number;
  companyManageId?: number;
  hash?: string;
}): EmittedRecord & SeenRecord {
  return {
    manageId: decision.manageId,
    ...(decision.companyManageId !== undefined ? { companyManageId: decision.companyManageId } : {}),
    hash: decision.hash ?? '',
  };
}

/** On a full run: what the snapshot store knows but this run did not see is gone from Manage. */
async function publishMissing(
  deps: SyncDependencies,
  run: RunContext,
  kind: RecordKind,
  tally: FetchTally,
): Promise<void> {
  const integrationId = run.credentials.id;
  const batch = deps.removalBatchSize ?? 500;
  for (;;) {
    const missing = await deps.snapshots.unseen(integrationId, kind, run.runId, batch);
    if (missing.length === 0) {
      await deps.snapshots.forgetSeen(integrationId, kind);
      return;
    }
    deps.assertStillOwner?.();
    await deps.publisher.publish(
      missing.map((doc) =>
        createEvent(removedEventType[kind], run.context, {
          manageId: doc.manageId,
          ...(doc.companyManageId !== undefined ? { companyManageId: doc.companyManageId } : {}),
          reason: 'missing',
        }),
      ),
    );
    await deps.snapshots.forget(missing.map((doc) => doc._id));
    await deps.runs.count(run.runId, kind, 'removed', missing.length);
    tally.removedMissing(kind, missing.length);
  }
}

async function collect<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page.records);
  return all;
}

/** Failures no retry can fix: Manage refused the credentials or the request (401/403/404/400), bad settings. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof ManageApiError) return !error.retryable;
  return error instanceof ManageConfigurationError || error instanceof IntegrationNotFoundError;
}

/** Records the failure in the run and turns it into a PermanentFailure (dead-lettered at once). */
async function fail(deps: SyncDependencies, runId: string, error: unknown, logger: Logger): Promise<never> {
  const reason = reasonOf(error);
  logger.error({ err: error }, 'sync failed');
  await deps.runs.addError(runId, { service: SERVICE, reason });
  await deps.runs.setStage(runId, 'failed');
  throw new PermanentFailure(reason, { cause: error });
}
