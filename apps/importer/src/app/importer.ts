import type { Kafka } from 'kafkajs';
import { context as otelContext, type Context } from '@opentelemetry/api';
import type { Connection, Types } from 'mongoose';
import type { Registry } from 'prom-client';
import {
  createEvent,
  type Envelope,
  type ManageCompany,
  type ManageConfiguration,
  type ManageContact,
  type RecordKind,
  TOPICS,
} from '@cw-hudu-sync/contracts';
import { HuduApiError, type HuduAsset, type HuduCompany } from '@cw-hudu-sync/hudu-client';
import {
  adoptionKey,
  type AssetCandidate,
  type AssetKind,
  assetInput,
  CountTally,
  type CompanyStanding,
  currentAssetFields,
  findAdoptable,
  findPendingCreate,
  hashFields,
  isNameFromClashRule,
  type Layout,
  mapAsset,
  mapCompany,
  type MappedFields,
  planCompany,
  planUpdate,
  resolveLayout,
  roundsByKey,
  routeRecord,
  runChains,
  uniqueCompanyName,
} from '@cw-hudu-sync/importing';
import { IntegrationNotFoundError, type IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import {
  EventConsumer,
  type EventPublisher,
  PermanentFailure,
  reasonOf,
  KeyedQueue,
} from '@cw-hudu-sync/messaging';
import { duplicateKeyPositions } from '@cw-hudu-sync/persistence';
import { type HuduSession, HuduSessions, type SessionSettings } from './hudu-sessions';
import {
  companyStateId,
  type CompanyStateDocument,
  importerState,
  type ImporterState,
  type ParkedDocument,
  readFields,
  type RecordStateDocument,
} from './state';

export interface ImporterSettings {
  kafka: Kafka;
  namespace?: string;
  publisher: EventPublisher;
  db: Connection;
  integrations: IntegrationStore;
  logger: Logger;
  metrics?: Registry;
  groupId?: string;
  maxAttempts?: number;
  backoff?: { initialMs: number; maxMs: number };
  sessions?: SessionSettings;
  /**
   * Batch mode (default): up to `maxBatchSize` messages of a partition per call, records imported in
   * bulk (see ImportWork.importRecords). `false`: one message at a time.
   */
  batch?: boolean;
  maxBatchSize?: number;
  /** Records of one integration sent to Hudu side by side (default 8). */
  concurrency?: number;
}

export interface Importer {
  consumer: EventConsumer;
  isHealthy(): boolean;
  stop(): Promise<void>;
}

/** Starts the importer's consumer (group `importer`) on decided matches and fetched Manage records. */
export async function startImporter(settings: ImporterSettings): Promise<Importer> {
  const state = await importerState(settings.db);
  // Keep-alive connections to each Hudu: as many as records go side by side.
  const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
  const sessions = new HuduSessions(settings.integrations, {
    ...settings.sessions,
    client: { connections: concurrency, ...settings.sessions?.client },
  });
  const work = new ImportWork(
    state,
    sessions,
    settings.publisher,
    new RunStore(settings.db, { stage: 'import' }),
    settings.logger,
    concurrency,
  );
  const perIntegration = new KeyedQueue();
  const common = {
    kafka: settings.kafka,
    groupId: settings.groupId ?? 'importer',
    topics: [TOPICS.companyMatches, TOPICS.manageRecords],
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    publisher: settings.publisher,
    logger: settings.logger,
    ...(settings.metrics ? { metrics: settings.metrics } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.backoff ? { backoff: settings.backoff } : {}),
  };
  // Two topics, so one integration's events can arrive on two partitions at once: handle them one
  // integration at a time (one writer per document), integrations side by side.
  const consumer =
    settings.batch === false
      ? new EventConsumer({
          ...common,
          handler: (event, context) =>
            perIntegration.run(event.integrationId, () => withHeartbeats(context, () => work.handle(event))),
        })
      : new EventConsumer({
          ...common,
          maxBatchSize: settings.maxBatchSize ?? 500,
          batchHandler: async (items) => {
            const errors: unknown[] = items.map(() => undefined);
            const byIntegration = new Map<string, { index: number; item: (typeof items)[number] }[]>();
            items.forEach((item, index) => {
              const list = byIntegration.get(item.event.integrationId);
              if (list) list.push({ index, item });
              else byIntegration.set(item.event.integrationId, [{ index, item }]);
            });
            await Promise.all(
              [...byIntegration].map(async ([integrationId, group]) => {
                const results = await perIntegration
                  .run(integrationId, () => work.handleBatch(group.map((g) => g.item)))
                  .catch((error: unknown) => group.map(() => error));
                group.forEach((g, n) => (errors[g.index] = results[n]));
              }),
            );
            return errors;
          },
        });
  await consumer.start();
  return {
    consumer,
    isHealthy: () => consumer.isHealthy(),
    async stop() {
      await consumer.stop();
      await sessions.close();
    },
  };
}

/**
 * Keeps the group membership alive while one event takes long (a company's parked records flushed
 * through Hudu's request budget can take minutes): heart-beats every few seconds when the consumer
 * offers a heartbeat in the message context.
 */
async function withHeartbeats(context: object, work: () => Promise<void>): Promise<void> {
  const beat = 'heartbeat' in context ? context.heartbeat : undefined;
  if (typeof beat !== 'function') return work();
  const timer = setInterval(() => {
    Promise.resolve(beat.call(context)).catch(() => undefined);
  }, HEARTBEAT_EVERY_MS);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
}

const HEARTBEAT_EVERY_MS = 3_000;

type Outcome = 'created' | 'updated' | 'unchanged' | 'archived' | 'unarchived' | 'skipped';
type ManageRecord = ManageConfiguration | ManageContact;

interface RecordPayload {
  manageId: number;
  companyManageId: number;
  contentHash: string;
  configuration?: ManageConfiguration;
  contact?: ManageContact;
}

interface MatchedPayload {
  manageCompanyId: number;
  decision: 'link' | 'create' | 'ignore';
  huduCompanyId?: number;
  company: ManageCompany;
}

interface RemovedPayload {
  manageId: number;
  companyManageId?: number;
}

/** A Hudu company or asset index entry, with `fields` for assets (to build full updates). */
type AssetIndex = { at: number; assets: HuduAsset[] };

const ASSET_INDEX_TTL_MS = 60_000;
const ASSET_INDEX_MAX = 200;
const NAME_ATTEMPTS = 8;

/** The work behind the handler: one event at a time, idempotent. */
export class ImportWork {
  /** ImportBlocked announced once per run and kind. */
  private readonly blockedAnnounced = new Set<string>();
  /** Layout fields the map wants but the layout lacks, reported once per layout. */
  private readonly reportedMissingFields = new Set<string>();
  /** Kinds that may have records parked behind a blocked layout (unknown at start: true). */
  private readonly blockedCleared = new Set<string>();
  /** Live assets per Hudu company, keyed by integration and company (ids repeat across Hudu instances). */
  private readonly assetIndex = new Map<string, AssetIndex>();
  /**
   * Per integration, the flushes of its park in progress (they can nest) and the parked documents they
   * released so far; forgotten when the outermost one ends, however it ends (a retry starts afresh).
   */
  private readonly flushing = new Map<string, { depth: number; released: Set<string> }>();
  /** Asset listings under way, shared by the records of one company imported side by side. */
  private readonly listings = new Map<string, Promise<HuduAsset[]>>();

  constructor(
    private readonly state: ImporterState,
    private readonly sessions: HuduSessions,
    private readonly publisher: EventPublisher,
    private readonly runs: RunStore,
    private readonly logger: Logger,
    /** Records of one integration sent to Hudu side by side (within the key's request budget). */
    private readonly concurrency = DEFAULT_CONCURRENCY,
  ) {}

  async handle(event: Envelope): Promise<void> {
    switch (event.type) {
      case 'CompanyMatched':
        await this.onCompanyMatched(event, event.payload as unknown as MatchedPayload);
        return;
      case 'ConfigurationFetched':
        return this.onRecord(event, 'configuration', event.payload as unknown as RecordPayload);
      case 'ContactFetched':
        return this.onRecord(event, 'contact', event.payload as unknown as RecordPayload);
      case 'CompanyRemoved':
        return this.onCompanyRemoved(event, event.payload as unknown as RemovedPayload);
      case 'ConfigurationRemoved':
        return this.onRecordRemoved(event, 'configuration', event.payload as unknown as RemovedPayload);
      case 'ContactRemoved':
        return this.onRecordRemoved(event, 'contact', event.payload as unknown as RemovedPayload);
      case 'FetchCompleted':
        return this.retryBlocked(event);
      default:
        return;
    }
  }

  private async session(integrationId: string): Promise<HuduSession> {
    try {
      return await this.sessions.get(integrationId);
    } catch (error) {
      if (error instanceof IntegrationNotFoundError) throw new PermanentFailure(error.message);
      throw error;
    }
  }

  // ---- companies --------------------------------------------------------------------------------

  /**
   * Applies one match decision to the company in Hudu. Returns whether the company's parked records may
   * now be imported; they are released here unless the caller releases several companies' at once.
   */
  private async onCompanyMatched(
    event: Envelope,
    payload: MatchedPayload,
    { releaseParked = true } = {},
  ): Promise<boolean> {
    const integrationId = event.integrationId;
    const session = await this.session(integrationId);
    const key = { integrationId, manageCompanyId: payload.manageCompanyId };
    const stateOf = { _id: companyStateId(integrationId, payload.manageCompanyId) };
    const plan = planCompany(payload.decision, payload.company, session.options);
    if (plan.action === 'ignore' || plan.action === 'skip') {
      await this.state.companies.updateOne(
        stateOf,
        {
          $set: {
            ...key,
            decision: payload.decision,
            standing: plan.action === 'ignore' ? 'ignored' : 'skipped',
            updatedAt: new Date(),
          },
        },
        { upsert: true },
      );
      const parked = await this.state.parked.deleteMany(key);
      await this.count(event, 'company', plan.action === 'ignore' ? 'ignored' : 'skipped');
      if (parked.deletedCount > 0) await this.count(event, 'record', 'skipped', parked.deletedCount);
      return false;
    }

    const before = session.client.stats().requests;
    let writes = 0;
    const doc = await this.state.companies.findOne(stateOf).lean();
    const mapped: MappedFields = { ...mapCompany(payload.company) };
    const hash = hashFields(mapped);
    const identifier = payload.company.identifier;
    let huduCompanyId =
      payload.decision === 'link'
        ? payload.huduCompanyId
        : doc?.decision === 'create'
          ? doc.huduCompanyId
          : undefined;
    if (payload.decision === 'link' && doc?.huduCompanyId !== payload.huduCompanyId) {
      // A new link target: nothing we pushed before applies to it.
      await this.state.companies.updateOne(stateOf, {
        $unset: { lastPushedHash: 1, lastPushedFields: 1, huduUrl: 1 },
      });
    }
    const sameTarget = doc?.huduCompanyId !== undefined && doc.huduCompanyId === huduCompanyId;
    let outcome: Outcome = 'unchanged';
    let company: Pick<HuduCompany, 'id' | 'name' | 'full_url' | 'archived'> | undefined;

    try {
      if (
        sameTarget &&
        doc?.huduCompanyId !== undefined &&
        doc.lastPushedHash === hash &&
        doc.huduUrl &&
        doc.huduName &&
        Boolean(doc.archived) === plan.archived &&
        doc.standing === 'imported'
      ) {
        company = {
          id: doc.huduCompanyId,
          name: doc.huduName,
          full_url: doc.huduUrl,
          archived: plan.archived,
        };
      } else {
        let current: HuduCompany | null = null;
        if (huduCompanyId === undefined && doc?.pendingCreate)
          current = await this.adoptCompany(session, identifier);
        if (huduCompanyId !== undefined) {
          current = await session.client.getCompany(huduCompanyId);
          if (!current) {
            throw new PermanentFailure(
              `Hudu company ${huduCompanyId} does not exist (decision: ${payload.decision})`,
            );
          }
        }
        if (!current) {
          await this.state.companies.updateOne(
            stateOf,
            {
              $set: {
                ...key,
                decision: payload.decision,
                standing: 'imported',
                pendingCreate: new Date(),
                updatedAt: new Date(),
              },
            },
            { upsert: true },
          );
          current = await this.createCompany(session, mapped, identifier);
          writes += 1;
          outcome = 'created';
        } else {
          const currentFields: MappedFields = {};
          for (const field of Object.keys(mapped))
            currentFields[field] = (current as unknown as Record<string, string | null>)[field] ?? null;
          const update = planUpdate({
            ...(doc?.lastPushedFields && sameTarget ? { lastPushed: readFields(doc.lastPushedFields) } : {}),
            next: mapped,
            current: currentFields,
            equivalent: (field, now, next) =>
              field === 'name' &&
              typeof now === 'string' &&
              typeof next === 'string' &&
              isNameFromClashRule(now, next, identifier),
          });
          if (update.kind === 'update') {
            current = await this.updateCompany(session, current, update.set, identifier);
            writes += 1;
            outcome = 'updated';
          }
        }
        huduCompanyId = current.id;
        // Record the link at once: a crash after this point cannot duplicate the company.
        await this.state.companies.updateOne(
          stateOf,
          {
            $set: {
              ...key,
              decision: payload.decision,
              standing: 'imported',
              huduCompanyId: current.id,
              huduUrl: current.full_url,
              huduName: current.name,
              identifier,
              archived: current.archived,
              lastPushedHash: hash,
              lastPushedFields: JSON.stringify(mapped),
              updatedAt: new Date(),
            },
            $unset: { pendingCreate: 1 },
          },
          { upsert: true },
        );
        if (outcome === 'created')
          this.assetIndex.set(`${integrationId}:${current.id}`, { at: Date.now(), assets: [] });
        if (plan.archived !== current.archived) {
          current = plan.archived
            ? await session.client.archiveCompany(current.id)
            : await session.client.unarchiveCompany(current.id);
          writes += 1;
          if (outcome === 'unchanged') outcome = plan.archived ? 'archived' : 'unarchived';
          await this.state.companies.updateOne(stateOf, { $set: { archived: current.archived } });
        }
        company = current;
      }
    } catch (error) {
      await this.rejected(event, 'company', payload.manageCompanyId, error);
      throw error;
    }

    await this.publisher.publish(
      createEvent('CompanyImported', this.context(event), {
        manageCompanyId: payload.manageCompanyId,
        manageIdentifier: payload.company.identifier,
        huduCompanyId: company.id,
        huduCompanyName: company.name,
        huduUrl: company.full_url,
        outcome,
      }),
    );
    await this.count(event, 'company', outcome, 1, session.client.stats().requests - before);
    this.logger.debug({ manageCompanyId: payload.manageCompanyId, outcome, writes }, 'company imported');
    // Everything parked for this company: undecided records, and blocked ones (their layout is checked again).
    if (releaseParked)
      await this.flushParked(event, { integrationId, manageCompanyId: payload.manageCompanyId });
    return true;
  }

  /** After a crash between create and record: the company we created, found by its id number. */
  private async adoptCompany(session: HuduSession, identifier: string): Promise<HuduCompany | null> {
    const found = await session.client.allCompanies({ id_number: identifier });
    return found.length === 1 ? (found[0] ?? null) : null;
  }

  /** Creates the company, following the name-clash rule when Hudu already has the name. */
  private async createCompany(
    session: HuduSession,
    mapped: MappedFields,
    identifier: string,
  ): Promise<HuduCompany> {
    const name = String(mapped['name'] ?? identifier);
    const taken = new Set((await session.client.allCompanies({ search: name })).map((c) => c.name));
    for (let attempt = 1; ; attempt++) {
      const candidate = uniqueCompanyName(name, identifier, taken);
      try {
        return await session.client.createCompany({ ...companyInput(mapped), name: candidate });
      } catch (error) {
        if (!isNameTaken(error) || attempt >= NAME_ATTEMPTS) throw error;
        taken.add(candidate); // an archived company holds it (the list shows live ones only)
      }
    }
  }

  private async updateCompany(
    session: HuduSession,
    current: HuduCompany,
    set: MappedFields,
    identifier: string,
  ): Promise<HuduCompany> {
    const input = companyInput(set);
    if (input.name === undefined) return session.client.updateCompany(current.id, input);
    const name = input.name ?? identifier;
    const taken = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const candidate = uniqueCompanyName(name ?? identifier, identifier, taken);
      try {
        return await session.client.updateCompany(current.id, { ...input, name: candidate });
      } catch (error) {
        if (!isNameTaken(error) || attempt >= NAME_ATTEMPTS) throw error;
        taken.add(candidate);
      }
    }
  }

  private async onCompanyRemoved(event: Envelope, payload: RemovedPayload): Promise<void> {
    const key = { integrationId: event.integrationId, manageCompanyId: payload.manageId };
    const stateOf = { _id: companyStateId(event.integrationId, payload.manageId) };
    await this.state.parked.deleteMany(key);
    const doc = await this.state.companies.findOne(stateOf).lean();
    if (!doc?.huduCompanyId || doc.standing !== 'imported' || doc.archived) return;
    const session = await this.session(event.integrationId);
    const before = session.client.stats().requests;
    let company: HuduCompany;
    try {
      company = await session.client.archiveCompany(doc.huduCompanyId);
    } catch (error) {
      if (error instanceof HuduApiError && error.status === 404) {
        await this.state.companies.updateOne(stateOf, { $set: { archived: true } });
        return;
      }
      await this.rejected(event, 'company', payload.manageId, error);
      throw error;
    }
    await this.state.companies.updateOne(stateOf, { $set: { archived: true, updatedAt: new Date() } });
    await this.publisher.publish(
      createEvent('CompanyImported', this.context(event), {
        manageCompanyId: payload.manageId,
        huduCompanyId: company.id,
        huduCompanyName: company.name,
        huduUrl: company.full_url,
        outcome: 'archived',
      }),
    );
    await this.count(event, 'company', 'archived', 1, session.client.stats().requests - before);
  }

  /**
   * Imports a batch of one integration's events in order: runs of Fetched records in bulk (see
   * importRecords), every other event on its own. Returns the failure of each event (undefined = handled).
   * After a transient failure the events behind it are held back (HeldBack), so order holds on retry.
   */
  async handleBatch(items: readonly { event: Envelope; trace?: Context }[]): Promise<unknown[]> {
    const errors: unknown[] = items.map(() => undefined);
    let held: unknown;
    // Consecutive records go through importRecords together; consecutive match decisions are applied one
    // by one and then release their companies' parked records together (one read of the park per page
    // instead of one per company: on a first sync every record waits there for its company).
    let segment: number[] = [];
    let segmentKind: 'records' | 'matches' | undefined;
    const flush = async () => {
      const indexes = segment;
      const kind = segmentKind;
      segment = [];
      segmentKind = undefined;
      if (indexes.length === 0) return;
      if (held !== undefined) {
        for (const i of indexes) errors[i] = new EventConsumer.HeldBack(held);
        return;
      }
      const segmentItems = indexes.flatMap((i) => (items[i] ? [items[i]] : []));
      const results =
        kind === 'records'
          ? await this.importRecords(segmentItems.map((item) => recordWork(item.event, item.trace))).catch(
              (error: unknown) => segmentItems.map(() => error),
            )
          : await this.applyMatches(segmentItems);
      indexes.forEach((i, n) => (errors[i] = results[n]));
      held = results.find(isTransient);
    };
    for (const [i, item] of items.entries()) {
      const kind =
        item.event.type === 'ConfigurationFetched' || item.event.type === 'ContactFetched'
          ? 'records'
          : item.event.type === 'CompanyMatched'
            ? 'matches'
            : undefined;
      if (kind !== undefined) {
        if (segmentKind !== kind) await flush();
        segment.push(i);
        segmentKind = kind;
        continue;
      }
      await flush();
      if (held !== undefined) {
        errors[i] = new EventConsumer.HeldBack(held);
        continue;
      }
      try {
        const run = () => this.handle(item.event);
        await (item.trace ? otelContext.with(item.trace, run) : run());
      } catch (error) {
        errors[i] = error;
        if (isTransient(error)) held = error;
      }
    }
    await flush();
    return errors;
  }

  /**
   * Match decisions of one integration, in order, each in its own trace; then the parked records of every
   * company they decided, released together. A transient failure holds back the decisions after it; a
   * failed release is the failure of every decision it released for (their redelivery finds the companies
   * done — unchanged — and releases again what is still parked).
   */
  private async applyMatches(items: readonly { event: Envelope; trace?: Context }[]): Promise<unknown[]> {
    const errors: unknown[] = items.map(() => undefined);
    const released: Array<{ n: number; manageCompanyId: number }> = [];
    let held: unknown;
    for (const [n, { event, trace }] of items.entries()) {
      if (held !== undefined) {
        errors[n] = new EventConsumer.HeldBack(held);
        continue;
      }
      const payload = event.payload as unknown as MatchedPayload;
      try {
        const run = () => this.onCompanyMatched(event, payload, { releaseParked: false });
        if (await (trace ? otelContext.with(trace, run) : run()))
          released.push({ n, manageCompanyId: payload.manageCompanyId });
      } catch (error) {
        errors[n] = error;
        if (isTransient(error)) held = error;
      }
    }
    const first = released[0] && items[released[0].n];
    if (first) {
      // Each released record is imported as if its own company's decision released it: replayed from that
      // decision's event, inside its trace (the Hudu write shows up there, as with a release per company).
      const releasers = new Map(
        released.flatMap(({ n, manageCompanyId }) => {
          const item = items[n];
          return item ? [[manageCompanyId, item] as const] : [];
        }),
      );
      try {
        await this.flushParked(
          first.event,
          {
            integrationId: first.event.integrationId,
            manageCompanyId: { $in: released.map((r) => r.manageCompanyId) },
          },
          releasers,
        );
      } catch (error) {
        for (const { n } of released) errors[n] = error;
      }
    }
    return errors;
  }

  // ---- configurations and contacts -------------------------------------------------------------

  private async onRecord(event: Envelope, kind: AssetKind, payload: RecordPayload): Promise<void> {
    const [error] = await this.importRecords([{ event, kind, payload }]);
    if (error !== undefined) throw error;
  }

  /**
   * Imports Fetched records of one integration. A record that appears more than once is applied in order
   * (one round per occurrence); the records of a round go together: one read of their companies' standing
   * and of their own state, one write of the pending-create marks before any create, Hudu calls side by
   * side (records that could adopt the same asset one after the other), one write of the results, one
   * publish of the resulting events and one count per kind and outcome. Returns each record's failure.
   */
  async importRecords(works: readonly RecordWork[]): Promise<unknown[]> {
    const errors: unknown[] = works.map(() => undefined);
    let held: unknown;
    for (const round of roundsByKey(works.map((w) => `${w.kind}:${w.payload.manageId}`))) {
      if (held !== undefined) {
        for (const i of round) errors[i] = new EventConsumer.HeldBack(held);
        continue;
      }
      const batch = round.flatMap((i) => {
        const work = works[i];
        return work ? [work] : [];
      });
      const results = await this.importRound(batch).catch((error: unknown) => batch.map(() => error));
      round.forEach((i, n) => (errors[i] = results[n]));
      held = results.find(isTransient);
    }
    return errors;
  }

  private async importRound(works: RecordWork[]): Promise<unknown[]> {
    const errors: unknown[] = works.map(() => undefined);
    const first = works[0];
    if (!first) return errors;
    const integrationId = first.event.integrationId;
    const session = await this.session(integrationId);
    const effects = new RoundEffects();
    const before = session.client.stats().requests;

    // Where each record goes: one read of the standings of the companies involved.
    const companyIds = [...new Set(works.map((w) => w.payload.companyManageId))];
    const companyDocs = await this.state.companies
      .find({ _id: { $in: companyIds.map((id) => companyStateId(integrationId, id)) } })
      .lean();
    const standings = new Map(companyDocs.map((doc) => [doc.manageCompanyId, standingOf(doc)]));
    const routed: { n: number; work: RecordWork; record: ManageRecord; huduCompanyId: number }[] = [];
    for (const [n, work] of works.entries()) {
      const record: ManageRecord | undefined =
        work.kind === 'configuration' ? work.payload.configuration : work.payload.contact;
      if (!record) {
        errors[n] = new PermanentFailure(`${work.kind} payload without the record`);
        continue;
      }
      const standing = standings.get(work.payload.companyManageId) ?? { state: 'undecided' as const };
      const route = routeRecord(work.kind, record, standing, session.options);
      if (route.route === 'park') {
        effects.park(work, 'undecided');
        effects.count(work.event, work.kind, 'parked');
      } else if (route.route !== 'import') {
        effects.unpark(work);
        effects.count(work.event, work.kind, 'skipped');
      } else {
        routed.push({ n, work, record, huduCompanyId: route.huduCompanyId });
      }
    }

    // The kinds' layouts (blocked ones park their records).
    const layouts = new Map<AssetKind, Layout | undefined>();
    for (const entry of routed) {
      if (!layouts.has(entry.work.kind))
        layouts.set(entry.work.kind, await this.layoutFor(entry.work.event, session, entry.work.kind));
    }
    const plans: AssetPlan[] = [];
    for (const entry of routed) {
      const layout = layouts.get(entry.work.kind);
      if (!layout) {
        effects.park(entry.work, 'blocked');
        effects.count(entry.work.event, entry.work.kind, 'blocked');
        continue;
      }
      const mapped = mapAsset(entry.work.kind, entry.record, layout);
      this.reportMissingFields(layout, entry.work.kind, mapped.notInLayout);
      plans.push({
        n: entry.n,
        work: entry.work,
        key: { integrationId, kind: entry.work.kind, manageId: entry.work.payload.manageId },
        layout,
        huduCompanyId: entry.huduCompanyId,
        fields: mapped.fields,
        hash: hashFields(mapped.fields),
        doc: undefined,
        marked: false,
      });
    }

    // Their state: one read per kind; records not yet known in this target are marked pending-create
    // in one write before any create (a crash after a create then adopts instead of duplicating).
    await this.readRecordState(integrationId, plans);
    const marks = plans.filter((p) => knownAssetId(p) === undefined);
    if (marks.length > 0) {
      const at = new Date();
      for (const chunk of chunks(marks, INSERT_CHUNK))
        await this.state.pending.insertMany(
          chunk.map((p) => ({ ...p.key, at })),
          { ordered: false },
        );
      for (const p of marks) p.marked = true;
    }

    // Hudu, side by side within the client's budget and connections.
    await runChains(
      plans,
      (p) => adoptionKey(p.fields, { companyId: p.huduCompanyId, layoutId: p.layout.id }),
      this.concurrency,
      async (plan) => {
        try {
          // Inside the record's own trace: its Hudu calls show up in its journey.
          const run = () => this.importAsset(session, plan, effects);
          const result = await (plan.work.trace ? otelContext.with(plan.work.trace, run) : run());
          effects.unpark(plan.work);
          effects.imported(plan, result);
        } catch (error) {
          errors[plan.n] = await this.rejected(
            plan.work.event,
            plan.work.kind,
            plan.key.manageId,
            error,
          ).then(
            () => error,
            (permanent: unknown) => permanent,
          );
        }
      },
    );

    // The results: one write of the state, one of the park, one publish, one count per kind and outcome.
    for (const chunk of chunks(effects.recordInserts, INSERT_CHUNK))
      await this.state.records.insertMany(chunk, { ordered: false });
    for (const chunk of chunks(effects.recordOps, UPDATE_CHUNK))
      await this.state.records.bulkWrite(chunk, { ordered: false });
    const recorded = marks.filter((p) => effects.claimedBy.has(p));
    for (const kind of ['configuration', 'contact'] as const) {
      const ids = recorded.filter((p) => p.key.kind === kind).map((p) => p.key.manageId);
      if (ids.length > 0)
        await this.state.pending.deleteMany({ integrationId, kind, manageId: { $in: ids } });
    }
    await this.writePark(integrationId, effects);
    await this.publisher.publish(effects.events, { parentOf: (e) => effects.traceOf(e) });
    effects.addHuduCalls(first.event, session.client.stats().requests - before);
    for (const [runId, tally] of effects.tallies)
      for (const { kind, outcome, n, huduCalls } of tally.entries())
        await this.runs.count(runId, kind, outcome, n, huduCalls);
    return errors;
  }

  private async readRecordState(integrationId: string, plans: AssetPlan[]): Promise<void> {
    for (const kind of ['configuration', 'contact'] as const) {
      const ofKind = plans.filter((p) => p.key.kind === kind);
      if (ofKind.length === 0) continue;
      const docs = await this.state.records
        .find({ integrationId, kind, manageId: { $in: ofKind.map((p) => p.key.manageId) } })
        .lean();
      const byId = new Map(docs.map((doc) => [doc.manageId, doc]));
      const marks = await this.state.pending
        .find({ integrationId, kind, manageId: { $in: ofKind.map((p) => p.key.manageId) } })
        .lean();
      const markedSince = new Map<number, Date>();
      for (const mark of marks) {
        const since = markedSince.get(mark.manageId);
        if (!since || mark.at < since) markedSince.set(mark.manageId, mark.at);
      }
      for (const plan of ofKind) {
        plan.doc = byId.get(plan.key.manageId);
        const pendingCreate = plan.doc?.pendingCreate ?? markedSince.get(plan.key.manageId);
        if (pendingCreate) plan.pendingSince = new Date(pendingCreate);
      }
    }
  }

  /** The kind's layout, or undefined when it is blocked (announced once per run). */
  private async layoutFor(
    event: Envelope,
    session: HuduSession,
    kind: AssetKind,
  ): Promise<Layout | undefined> {
    const configured =
      kind === 'configuration' ? session.options.configurationLayout : session.options.contactLayout;
    const resolution = resolveLayout(kind, configured, await this.sessions.layouts(session));
    const flag = `${event.integrationId}:${kind}`;
    if (!resolution.ok) {
      this.blockedCleared.delete(flag);
      const once = `${event.integrationId}:${event.runId ?? '-'}:${kind}`;
      if (!this.blockedAnnounced.has(once)) {
        this.blockedAnnounced.add(once);
        await this.publisher.publish(
          createEvent('ImportBlocked', this.context(event), {
            kind,
            layout: configured,
            reason: resolution.reason,
          }),
        );
        if (event.runId)
          await this.runs.addError(event.runId, { service: 'importer', kind, reason: resolution.reason });
        this.logger.warn({ integrationId: event.integrationId, kind, layout: configured }, resolution.reason);
      }
      return undefined;
    }
    const layout = resolution.layout;
    if (!this.blockedCleared.has(flag)) {
      this.blockedCleared.add(flag);
      await this.flushParked(event, { integrationId: event.integrationId, kind, reason: 'blocked' });
    }
    return layout;
  }

  private async importAsset(
    session: HuduSession,
    plan: AssetPlan,
    effects: RoundEffects,
  ): Promise<{ outcome: Outcome; huduAssetId: number; writes: number }> {
    const { key, fields, hash, doc, layout, huduCompanyId } = plan;
    const integrationId = key.integrationId;
    const target = { companyId: huduCompanyId, layoutId: layout.id };
    let writes = 0;

    let existing: HuduAsset | undefined;
    let lastPushed: MappedFields | undefined;
    const known = knownAssetId(plan);
    if (doc && known !== undefined) {
      const unarchive = doc.archived === true;
      if (!unarchive && doc.lastPushedHash === hash) {
        return { outcome: 'unchanged', huduAssetId: known, writes: 0 };
      }
      const found = await session.client.getAsset(huduCompanyId, known);
      if (found) {
        existing = found;
        lastPushed = readFields(doc.lastPushedFields);
        if (found.archived) {
          existing = await session.client.unarchiveAsset(huduCompanyId, found.id);
          writes += 1;
        }
      }
    }

    if (!existing) {
      // A pending create from an earlier attempt (read before this round marked anything): list afresh.
      const recovering = plan.pendingSince !== undefined;
      const candidates = await this.companyAssets(session, huduCompanyId, recovering);
      // One Hudu asset per Manage record: an asset another record of this round took is no candidate,
      // nor one another record is linked to (two Manage contacts with one name and one e-mail are two
      // contacts; the e-mail is then no key).
      let adopted = findAdoptable(
        plan.key.kind,
        fields,
        target,
        candidates.filter((c) => !effects.claimed.has(c.id)).map(candidateOf),
      );
      if (adopted && (await this.linkedToAnother(plan, adopted.id))) adopted = undefined;
      if (!adopted && plan.pendingSince) {
        const free = await this.unclaimed(plan, candidates, effects);
        adopted = findPendingCreate(fields, target, plan.pendingSince, free.map(candidateOf));
      }
      existing = adopted ? candidates.find((a) => a.id === adopted.id) : undefined;
    }

    if (!existing) {
      if (!plan.marked) {
        // Known asset gone from Hudu: mark this create on its own (rare).
        await this.state.records.updateOne(key, pendingCreateUpdate(plan, new Date()), { upsert: true });
        plan.marked = true;
      }
      const created = await session.client.createAsset(huduCompanyId, assetInput(fields, layout.id));
      writes += 1;
      this.assetIndex.get(`${integrationId}:${huduCompanyId}`)?.assets.push(created);
      effects.pushed(plan, created.id);
      return { outcome: 'created', huduAssetId: created.id, writes };
    }

    const current = currentAssetFields(existing);
    const update = planUpdate({
      ...(lastPushed ? { lastPushed } : {}),
      next: fields,
      current: current.fields,
    });
    let outcome: Outcome = writes > 0 ? 'unarchived' : 'unchanged';
    if (update.kind === 'update') {
      const updated = await session.client.updateAsset(
        huduCompanyId,
        existing.id,
        assetInput(update.set, layout.id, current.custom),
      );
      writes += 1;
      outcome = 'updated';
      const index = this.assetIndex.get(`${integrationId}:${huduCompanyId}`);
      if (index) index.assets = index.assets.map((a) => (a.id === updated.id ? updated : a));
    }
    effects.pushed(plan, existing.id);
    return { outcome, huduAssetId: existing.id, writes };
  }

  /** Whether another Manage record is linked to this Hudu asset (one point read, on adoption only). */
  private async linkedToAnother(plan: AssetPlan, huduAssetId: number): Promise<boolean> {
    const linked = await this.state.records
      .find({ integrationId: plan.key.integrationId, huduCompanyId: plan.huduCompanyId, huduAssetId })
      .lean();
    return linked.some((doc) => doc.kind !== plan.key.kind || doc.manageId !== plan.key.manageId);
  }

  /**
   * Candidates for the crash-recovery adoption by name: assets no other record is linked to (in the
   * state, or earlier in this round), so a record never takes over a sibling's asset.
   */
  private async unclaimed(
    plan: AssetPlan,
    candidates: HuduAsset[],
    effects: RoundEffects,
  ): Promise<HuduAsset[]> {
    if (candidates.length === 0) return candidates;
    const linked = await this.state.records
      .find({
        integrationId: plan.key.integrationId,
        huduCompanyId: plan.huduCompanyId,
        huduAssetId: { $in: candidates.map((c) => c.id) },
      })
      .lean();
    const taken = new Set(effects.claimed);
    for (const doc of linked)
      if (doc.kind !== plan.key.kind || doc.manageId !== plan.key.manageId)
        if (doc.huduAssetId !== undefined) taken.add(doc.huduAssetId);
    return candidates.filter((c) => !taken.has(c.id));
  }

  /** The company's live assets, listed once and kept briefly (a fresh list after a crash). */
  private async companyAssets(
    session: HuduSession,
    huduCompanyId: number,
    fresh: boolean,
  ): Promise<HuduAsset[]> {
    const key = `${session.integrationId}:${huduCompanyId}`;
    const cached = this.assetIndex.get(key);
    if (!fresh && cached && Date.now() - cached.at < ASSET_INDEX_TTL_MS) return cached.assets;
    // Records of one company imported side by side share one listing.
    const inFlight = fresh ? undefined : this.listings.get(key);
    if (inFlight) return inFlight;
    const listing = session.client.allCompanyAssets(huduCompanyId).then((assets) => {
      this.assetIndex.delete(key);
      this.assetIndex.set(key, { at: Date.now(), assets });
      while (this.assetIndex.size > ASSET_INDEX_MAX) {
        const oldest = this.assetIndex.keys().next().value;
        if (oldest === undefined) break;
        this.assetIndex.delete(oldest);
      }
      return assets;
    });
    if (!fresh) this.listings.set(key, listing);
    try {
      return await listing;
    } finally {
      if (this.listings.get(key) === listing) this.listings.delete(key);
    }
  }

  private reportMissingFields(layout: Layout, kind: AssetKind, notInLayout: string[]) {
    const key = `${layout.id}:${layout.fields.length}`;
    if (notInLayout.length === 0 || this.reportedMissingFields.has(key)) return;
    this.reportedMissingFields.add(key);
    this.logger.info(
      { layout: layout.name, kind, ignored: notInLayout },
      `layout "${layout.name}" has no field for: ${notInLayout.join(', ')} (those values are not imported)`,
    );
  }

  private async onRecordRemoved(event: Envelope, kind: AssetKind, payload: RemovedPayload): Promise<void> {
    const key = { integrationId: event.integrationId, kind, manageId: payload.manageId };
    await this.state.parked.deleteOne(key);
    const doc = await this.state.records.findOne(key).lean();
    if (!doc?.huduAssetId || !doc.huduCompanyId || doc.archived) return;
    const session = await this.session(event.integrationId);
    const before = session.client.stats().requests;
    try {
      await session.client.archiveAsset(doc.huduCompanyId, doc.huduAssetId);
    } catch (error) {
      if (!(error instanceof HuduApiError && error.status === 404)) {
        await this.rejected(event, kind, payload.manageId, error);
        throw error;
      }
    }
    await this.state.records.updateOne(key, { $set: { archived: true, updatedAt: new Date() } });
    this.assetIndex.delete(`${event.integrationId}:${doc.huduCompanyId}`);
    await this.publisher.publish(
      createEvent(kind === 'configuration' ? 'ConfigImported' : 'ContactImported', this.context(event), {
        manageId: payload.manageId,
        companyManageId: doc.manageCompanyId,
        huduAssetId: doc.huduAssetId,
        outcome: 'archived',
        huduWrites: 1,
      }),
    );
    await this.count(event, kind, 'archived', 1, session.client.stats().requests - before);
  }

  /**
   * At the end of each fetch, records parked behind a blocked layout get another chance: if the admin
   * has since created or activated the layout, they are imported now; if not, the run is told again.
   */
  private async retryBlocked(event: Envelope): Promise<void> {
    for (const kind of ['configuration', 'contact'] as const) {
      const parked = await this.state.parked.exists({
        integrationId: event.integrationId,
        kind,
        reason: 'blocked',
      });
      if (!parked) continue;
      const session = await this.session(event.integrationId);
      session.layouts = undefined; // read the layouts afresh
      await this.layoutFor(event, session, kind);
    }
  }

  // ---- parking ----------------------------------------------------------------------------------

  /**
   * Writes a round's park changes: records leaving the park first, then the parked ones — inserted when
   * they are new to the park (a first sync parks every record of undecided companies: FerretDB 1.x
   * inserts in about a millisecond a document but spends tens of milliseconds on each filtered upsert),
   * updated by _id when already parked (they keep their place in the park's order). An insert that meets
   * a document parked meanwhile falls back to the upsert by record.
   */
  private async writePark(integrationId: string, effects: RoundEffects): Promise<void> {
    const { unparked, parked } = effects.parkChanges();
    for (const { kind, manageIds } of unparked)
      await this.state.parked.deleteMany({ integrationId, kind, manageId: { $in: manageIds } });
    if (parked.length === 0) return;
    // Inserted first, without reading the park: a first sync parks only records new to it, and on FerretDB
    // 1.x a read of the park by record is a scan of it (~1.2 s on a medium import, once per round). Records
    // already parked (a re-park) refuse the insert on the unique (integration, kind, record) index and are
    // updated in place below, keeping their place in the park's order.
    const refused: typeof parked = [];
    for (const chunk of chunks(parked, INSERT_CHUNK)) {
      try {
        await this.state.parked.collection.insertMany(
          chunk.map(({ kind, manageId, fields }) => ({ integrationId, kind, manageId, ...fields })),
          { ordered: false },
        );
      } catch (error) {
        const duplicates = duplicateKeyPositions(error);
        if (!duplicates) throw error;
        for (const i of duplicates) if (chunk[i]) refused.push(chunk[i]);
      }
    }
    if (refused.length === 0) return;
    const already = new Map<string, Types.ObjectId>();
    for (const kind of ['configuration', 'contact'] as const) {
      const ids = refused.filter((p) => p.kind === kind).map((p) => p.manageId);
      if (ids.length === 0) continue;
      const found = await this.state.parked
        .find({ integrationId, kind, manageId: { $in: ids } }, { _id: 1, manageId: 1 })
        .lean();
      for (const doc of found) already.set(`${kind}:${doc.manageId}`, doc._id);
    }
    // Refused but gone by now (never by this integration's owner, but cheap to cover): upsert by record.
    const gone = refused
      .filter((p) => !already.has(`${p.kind}:${p.manageId}`))
      .map(({ kind, manageId, fields }) => ({
        updateOne: { filter: { integrationId, kind, manageId }, update: { $set: fields }, upsert: true },
      }));
    for (const chunk of chunks(gone, UPDATE_CHUNK))
      await this.state.parked.bulkWrite(chunk, { ordered: true });
    const known = refused.flatMap((p) => {
      const _id = already.get(`${p.kind}:${p.manageId}`);
      return _id ? [{ updateOne: { filter: { _id }, update: { $set: p.fields } } }] : [];
    });
    for (const chunk of chunks(known, UPDATE_CHUNK))
      await this.state.parked.bulkWrite(chunk, { ordered: true });
  }

  /**
   * Imports parked records in the order they were parked, each once per flush, a page at a time through
   * the batch path; a record Hudu rejects is reported (ImportFailed) and leaves the park, so it does not
   * hold up the others. Transient failures propagate: the triggering event is retried and the flush
   * resumes from what is still parked.
   */
  private async flushParked(
    event: Envelope,
    filter: {
      integrationId: string;
      manageCompanyId?: number | { $in: number[] };
      kind?: AssetKind;
      reason?: 'undecided' | 'blocked';
    },
    releasers?: ReadonlyMap<number, { event: Envelope; trace?: Context }>,
  ): Promise<void> {
    const flushing = this.flushing.get(filter.integrationId) ?? { depth: 0, released: new Set<string>() };
    this.flushing.set(filter.integrationId, flushing);
    flushing.depth += 1;
    try {
      for await (const page of this.parkedPages(filter)) {
        // A release can start another (a layout found again flushes its blocked records); what that one
        // released is gone from the park, but this flush's cursor may still hold it: not twice.
        const fresh = page.filter((doc) => !flushing.released.has(String(doc._id)));
        for (const doc of fresh) flushing.released.add(String(doc._id));
        if (fresh.length > 0) await this.releasePage(event, fresh, releasers);
      }
    } finally {
      flushing.depth -= 1;
      if (flushing.depth === 0) this.flushing.delete(filter.integrationId);
    }
  }

  /**
   * The parked records matching `filter`, in the order they were parked, a page (PARKED_PAGE) at a time
   * from ONE query: on FerretDB 1.x every query is a scan of the whole park, so a query per page cost a scan
   * per 500 records (medium first import: ~30 scans of ~1.2 s). A cursor the server lost (CursorNotFound
   * after a restart or an idle timeout while a page was imported) is reopened after the last page handed out.
   */
  private async *parkedPages(filter: Record<string, unknown>): AsyncGenerator<ParkedPage> {
    let after: Types.ObjectId | undefined;
    let reopened = 0;
    for (;;) {
      const cursor = this.openPark(filter, after);
      try {
        for (;;) {
          const page: ParkedPage = [];
          while (page.length < PARKED_PAGE) {
            const doc = await cursor.next();
            if (!doc) break;
            page.push(doc);
          }
          if (page.length === 0) return;
          after = page[page.length - 1]?._id;
          reopened = 0; // a lost cursor after progress is a new loss, not a repeat
          yield page;
          if (page.length < PARKED_PAGE) return;
        }
      } catch (error) {
        if (!isCursorLost(error) || ++reopened > 3) throw error;
      } finally {
        await cursor.close().catch(() => undefined);
      }
    }
  }

  private openPark(filter: Record<string, unknown>, after: Types.ObjectId | undefined) {
    return this.state.parked
      .find({ ...filter, ...(after ? { _id: { $gt: after } } : {}) })
      .sort({ _id: 1 })
      .batchSize(PARKED_PAGE)
      .lean<ParkedPage>()
      .cursor();
  }

  /** Imports one page of parked records through the batch path (see flushParked). */
  private async releasePage(
    event: Envelope,
    page: ParkedPage,
    releasers: ReadonlyMap<number, { event: Envelope; trace?: Context }> | undefined,
  ): Promise<void> {
    const works: RecordWork[] = page.map((parked) => {
      const payload = JSON.parse(parked.payload) as RecordPayload;
      const releaser = releasers?.get(parked.manageCompanyId);
      const replay: Envelope = {
        ...(releaser?.event ?? event),
        type: parked.kind === 'configuration' ? 'ConfigurationFetched' : 'ContactFetched',
        ...(parked.runId ? { runId: parked.runId } : {}),
        payload: payload as unknown as Record<string, unknown>,
      };
      return {
        event: replay,
        kind: parked.kind,
        payload,
        ...(releaser?.trace ? { trace: releaser.trace } : {}),
      };
    });
    const errors = await this.importRecords(works);
    const transient = errors.find((e) => e !== undefined && !(e instanceof PermanentFailure));
    if (transient !== undefined) throw transient;
    for (const [n, error] of errors.entries()) {
      const parked = page[n];
      if (error === undefined || !parked) continue;
      await this.state.parked.deleteOne({ _id: parked._id });
      this.logger.warn(
        { err: error, kind: parked.kind, manageId: parked.manageId },
        'parked record rejected',
      );
    }
  }

  // ---- reporting --------------------------------------------------------------------------------

  private context(event: Envelope) {
    return {
      integrationId: event.integrationId,
      causationId: event.eventId,
      ...(event.runId ? { runId: event.runId } : {}),
    };
  }

  private async count(event: Envelope, kind: string, outcome: string, by = 1, huduCalls = 0) {
    if (!event.runId) return;
    await this.runs.count(event.runId, kind, outcome, by, huduCalls);
  }

  /**
   * Hudu refused the record (422 and other 4xx but 429): ImportFailed with Hudu's reason, an error in the
   * run, and a PermanentFailure so the consumer dead-letters at once. Retryable failures are left alone.
   */
  private async rejected(
    event: Envelope,
    kind: RecordKind,
    manageId: number,
    error: unknown,
  ): Promise<never | void> {
    const permanent =
      (error instanceof HuduApiError && !error.retryable) || error instanceof PermanentFailure;
    if (!permanent) return;
    const reason =
      error instanceof HuduApiError ? `Hudu rejected the ${kind}: ${error.message}` : reasonOf(error);
    await this.publisher.publish(
      createEvent('ImportFailed', this.context(event), { kind, manageId, reason: reason.slice(0, 1_000) }),
    );
    if (event.runId) {
      await this.runs.addError(event.runId, { service: 'importer', kind, manageId, reason });
      await this.runs.count(event.runId, kind, 'failed');
    }
    throw error instanceof PermanentFailure ? error : new PermanentFailure(reason, { cause: error });
  }
}

function candidateOf(asset: HuduAsset): AssetCandidate {
  return {
    id: asset.id,
    company_id: asset.company_id,
    asset_layout_id: asset.asset_layout_id,
    name: asset.name,
    primary_serial: asset.primary_serial,
    primary_mail: asset.primary_mail,
    archived: asset.archived,
    created_at: asset.created_at,
  };
}

function companyInput(fields: MappedFields): Record<string, string | null> & { name?: string } {
  const input: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(fields)) input[key] = value === null ? null : String(value);
  return input;
}

function isNameTaken(error: unknown): boolean {
  return (
    error instanceof HuduApiError && error.status === 422 && /already been taken/i.test(error.huduMessage)
  );
}

// ---- batches of records ---------------------------------------------------------------------------

const PARKED_PAGE = 500;

type ParkedPage = Array<ParkedDocument & { _id: Types.ObjectId }>;

/** The server no longer knows the cursor (MongoDB's CursorNotFound, code 43). */
function isCursorLost(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 43;
}
/**
 * Statements per database call. FerretDB 1.x applies an update statement in tens of milliseconds (hundreds
 * under load): a few dozen per call keep each call far below the socket timeout; inserts are cheap.
 */
const UPDATE_CHUNK = 25;
const INSERT_CHUNK = 250;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
const DEFAULT_CONCURRENCY = 8;

/** One Fetched record to import, with the trace context of the message it came in. */
interface RecordWork {
  event: Envelope;
  kind: AssetKind;
  payload: RecordPayload;
  trace?: Context;
}

/** A record on its way to Hudu within a round. */
interface AssetPlan {
  /** Index of the record in its round. */
  n: number;
  work: RecordWork;
  key: { integrationId: string; kind: AssetKind; manageId: number };
  layout: Layout;
  huduCompanyId: number;
  fields: MappedFields;
  hash: string;
  /** The record's state as read at the start of the round. */
  doc: (RecordStateDocument & { _id: Types.ObjectId }) | undefined;
  /** A create of this record was marked pending by an earlier attempt (a crash may have left its asset). */
  pendingSince?: Date;
  /** Its pending-create mark is written. */
  marked: boolean;
}

type RecordOp = NonNullable<Parameters<ImporterState['records']['bulkWrite']>[0]>[number];

/** What one round leaves to write, publish and count, gathered while its records go through Hudu. */
class RoundEffects {
  readonly recordOps: RecordOp[] = [];
  readonly recordInserts: RecordStateDocument[] = [];
  /** Plans whose link is written by this round. */
  readonly claimedBy = new Set<AssetPlan>();
  readonly events: Envelope[] = [];
  readonly tallies = new Map<string, CountTally>();
  /** Hudu assets linked by this round's records. */
  readonly claimed = new Set<number>();
  private readonly traces = new Map<string, Context>();
  private readonly parks: { work: RecordWork; reason: 'undecided' | 'blocked' }[] = [];
  private readonly unparks: RecordWork[] = [];

  count(event: Envelope, kind: string, outcome: string, n = 1, huduCalls = 0) {
    if (!event.runId) return;
    let tally = this.tallies.get(event.runId);
    if (!tally) this.tallies.set(event.runId, (tally = new CountTally()));
    tally.add(kind, outcome, n, huduCalls);
  }

  /** The round's Hudu calls, reported with the first record's run. */
  addHuduCalls(event: Envelope, calls: number) {
    const runId = event.runId;
    if (!runId || calls <= 0) return;
    const tally = this.tallies.get(runId);
    const first = tally?.entries()[0];
    if (tally && first) tally.add(first.kind, first.outcome, 0, calls);
    else this.count(event, 'record', 'calls', 0, calls);
  }

  park(work: RecordWork, reason: 'undecided' | 'blocked') {
    this.parks.push({ work, reason });
  }

  unpark(work: RecordWork) {
    this.unparks.push(work);
  }

  pushed(plan: AssetPlan, huduAssetId: number) {
    this.claimed.add(huduAssetId);
    this.claimedBy.add(plan);
    const state = {
      manageCompanyId: plan.work.payload.companyManageId,
      huduAssetId,
      huduCompanyId: plan.huduCompanyId,
      layoutId: plan.layout.id,
      archived: false,
      lastPushedHash: plan.hash,
      lastPushedFields: JSON.stringify(plan.fields),
      updatedAt: new Date(),
    };
    // New records are inserted, known ones updated by _id (FerretDB finds those without a scan).
    if (!plan.doc) this.recordInserts.push({ ...plan.key, ...state });
    else
      this.recordOps.push({
        updateOne: { filter: { _id: plan.doc._id }, update: { $set: state, $unset: { pendingCreate: 1 } } },
      });
  }

  imported(plan: AssetPlan, result: { outcome: Outcome; huduAssetId: number; writes: number }) {
    const { event, kind, payload } = plan.work;
    const resulting = createEvent(
      kind === 'configuration' ? 'ConfigImported' : 'ContactImported',
      contextOf(event),
      {
        manageId: payload.manageId,
        companyManageId: payload.companyManageId,
        huduAssetId: result.huduAssetId,
        outcome: result.outcome,
        huduWrites: result.writes,
      },
    );
    this.events.push(resulting);
    if (plan.work.trace) this.traces.set(event.eventId, plan.work.trace);
    this.count(event, kind, result.outcome);
  }

  traceOf(event: Envelope): Context | undefined {
    return event.causationId ? this.traces.get(event.causationId) : undefined;
  }

  /** What this round changes in the park: records that leave it, and records (re)parked with a reason. */
  parkChanges(): {
    unparked: Array<{ kind: AssetKind; manageIds: number[] }>;
    parked: Array<{
      kind: AssetKind;
      manageId: number;
      fields: Omit<ParkedDocument, 'integrationId' | 'kind' | 'manageId'>;
    }>;
  } {
    const unparked = (['configuration', 'contact'] as const)
      .map((kind) => ({
        kind,
        manageIds: this.unparks.filter((w) => w.kind === kind).map((w) => w.payload.manageId),
      }))
      .filter((u) => u.manageIds.length > 0);
    const parked = this.parks.map(({ work, reason }) => ({
      kind: work.kind,
      manageId: work.payload.manageId,
      fields: {
        manageCompanyId: work.payload.companyManageId,
        reason,
        payload: JSON.stringify(work.payload),
        ...(work.event.runId ? { runId: work.event.runId } : {}),
        parkedAt: new Date(),
      },
    }));
    return { unparked, parked };
  }
}

function contextOf(event: Envelope) {
  return {
    integrationId: event.integrationId,
    causationId: event.eventId,
    ...(event.runId ? { runId: event.runId } : {}),
  };
}

function standingOf(doc: CompanyStateDocument): CompanyStanding {
  if (doc.standing === 'ignored') return { state: 'ignored' };
  if (doc.standing === 'skipped') return { state: 'skipped' };
  if (doc.huduCompanyId === undefined || doc.pendingCreate) return { state: 'undecided' };
  return { state: 'imported', huduCompanyId: doc.huduCompanyId };
}

/** The record's Hudu asset when the state links it in this company and layout. */
function knownAssetId(plan: AssetPlan): number | undefined {
  const doc = plan.doc;
  return doc?.huduAssetId !== undefined &&
    doc.huduCompanyId === plan.huduCompanyId &&
    doc.layoutId === plan.layout.id
    ? doc.huduAssetId
    : undefined;
}

function pendingCreateUpdate(plan: AssetPlan, at: Date) {
  return {
    $set: {
      manageCompanyId: plan.work.payload.companyManageId,
      huduCompanyId: plan.huduCompanyId,
      layoutId: plan.layout.id,
      pendingCreate: at,
      updatedAt: at,
    },
    $unset: { huduAssetId: 1, lastPushedHash: 1, lastPushedFields: 1, archived: 1 },
  };
}

function recordWork(event: Envelope, trace: Context | undefined): RecordWork {
  return {
    event,
    kind: event.type === 'ConfigurationFetched' ? 'configuration' : 'contact',
    payload: event.payload as unknown as RecordPayload,
    ...(trace ? { trace } : {}),
  };
}

function isTransient(error: unknown): boolean {
  return error !== undefined && !(error instanceof PermanentFailure);
}
