import type { Kafka } from 'kafkajs';
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
  type AssetCandidate,
  type AssetKind,
  assetInput,
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
  routeRecord,
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
import { type HuduSession, HuduSessions, type SessionSettings } from './hudu-sessions';
import { type CompanyStateDocument, importerState, type ImporterState, readFields } from './state';

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
}

export interface Importer {
  consumer: EventConsumer;
  isHealthy(): boolean;
  stop(): Promise<void>;
}

/** Starts the importer's consumer (group `importer`) on decided matches and fetched Manage records. */
export async function startImporter(settings: ImporterSettings): Promise<Importer> {
  const state = await importerState(settings.db);
  const sessions = new HuduSessions(settings.integrations, settings.sessions);
  const work = new ImportWork(
    state,
    sessions,
    settings.publisher,
    new RunStore(settings.db),
    settings.logger,
  );
  const perIntegration = new KeyedQueue();
  const consumer = new EventConsumer({
    kafka: settings.kafka,
    groupId: settings.groupId ?? 'importer',
    topics: [TOPICS.companyMatches, TOPICS.manageRecords],
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    // Two topics, so one integration's events can arrive on two partitions at once: handle them one at a
    // time per integration (one writer per document), integrations side by side.
    handler: (event, context) =>
      perIntegration.run(event.integrationId, () => withHeartbeats(context, () => work.handle(event))),
    publisher: settings.publisher,
    logger: settings.logger,
    ...(settings.metrics ? { metrics: settings.metrics } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.backoff ? { backoff: settings.backoff } : {}),
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

  constructor(
    private readonly state: ImporterState,
    private readonly sessions: HuduSessions,
    private readonly publisher: EventPublisher,
    private readonly runs: RunStore,
    private readonly logger: Logger,
  ) {}

  async handle(event: Envelope): Promise<void> {
    switch (event.type) {
      case 'CompanyMatched':
        return this.onCompanyMatched(event, event.payload as unknown as MatchedPayload);
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

  private async onCompanyMatched(event: Envelope, payload: MatchedPayload): Promise<void> {
    const integrationId = event.integrationId;
    const session = await this.session(integrationId);
    const key = { integrationId, manageCompanyId: payload.manageCompanyId };
    const plan = planCompany(payload.decision, payload.company, session.options);
    if (plan.action === 'ignore' || plan.action === 'skip') {
      await this.state.companies.updateOne(
        key,
        {
          $set: {
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
      return;
    }

    const before = session.client.stats().requests;
    let writes = 0;
    const doc = await this.state.companies.findOne(key).lean();
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
      await this.state.companies.updateOne(key, {
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
            key,
            {
              $set: {
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
          key,
          {
            $set: {
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
          await this.state.companies.updateOne(key, { $set: { archived: current.archived } });
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
    await this.flushParked(event, { integrationId, manageCompanyId: payload.manageCompanyId });
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
    await this.state.parked.deleteMany(key);
    const doc = await this.state.companies.findOne(key).lean();
    if (!doc?.huduCompanyId || doc.standing !== 'imported' || doc.archived) return;
    const session = await this.session(event.integrationId);
    const before = session.client.stats().requests;
    let company: HuduCompany;
    try {
      company = await session.client.archiveCompany(doc.huduCompanyId);
    } catch (error) {
      if (error instanceof HuduApiError && error.status === 404) {
        await this.state.companies.updateOne(key, { $set: { archived: true } });
        return;
      }
      await this.rejected(event, 'company', payload.manageId, error);
      throw error;
    }
    await this.state.companies.updateOne(key, { $set: { archived: true, updatedAt: new Date() } });
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

  // ---- configurations and contacts -------------------------------------------------------------

  private async standing(integrationId: string, manageCompanyId: number): Promise<CompanyStanding> {
    const doc: CompanyStateDocument | null = await this.state.companies
      .findOne({ integrationId, manageCompanyId })
      .lean();
    if (!doc) return { state: 'undecided' };
    if (doc.standing === 'ignored') return { state: 'ignored' };
    if (doc.standing === 'skipped') return { state: 'skipped' };
    if (doc.huduCompanyId === undefined || doc.pendingCreate) return { state: 'undecided' };
    return { state: 'imported', huduCompanyId: doc.huduCompanyId };
  }

  private async onRecord(event: Envelope, kind: AssetKind, payload: RecordPayload): Promise<void> {
    const integrationId = event.integrationId;
    const session = await this.session(integrationId);
    const record: ManageRecord | undefined =
      kind === 'configuration' ? payload.configuration : payload.contact;
    if (!record) throw new PermanentFailure(`${kind} payload without the record`);
    const standing = await this.standing(integrationId, payload.companyManageId);
    const route = routeRecord(kind, record, standing, session.options);
    const parkedKey = { integrationId, kind, manageId: payload.manageId };
    if (route.route === 'park') {
      await this.park(event, kind, payload, 'undecided');
      await this.count(event, kind, 'parked');
      return;
    }
    if (route.route !== 'import') {
      await this.state.parked.deleteOne(parkedKey);
      await this.count(event, kind, 'skipped');
      return;
    }

    const layout = await this.layoutFor(event, session, kind);
    if (!layout) {
      await this.park(event, kind, payload, 'blocked');
      await this.count(event, kind, 'blocked');
      return;
    }
    const before = session.client.stats().requests;
    let result: { outcome: Outcome; huduAssetId: number; writes: number };
    try {
      result = await this.importAsset(
        integrationId,
        session,
        kind,
        payload,
        record,
        route.huduCompanyId,
        layout,
      );
    } catch (error) {
      await this.rejected(event, kind, payload.manageId, error);
      throw error;
    }
    await this.state.parked.deleteOne(parkedKey);
    await this.publisher.publish(
      createEvent(kind === 'configuration' ? 'ConfigImported' : 'ContactImported', this.context(event), {
        manageId: payload.manageId,
        companyManageId: payload.companyManageId,
        huduAssetId: result.huduAssetId,
        outcome: result.outcome,
        huduWrites: result.writes,
      }),
    );
    await this.count(event, kind, result.outcome, 1, session.client.stats().requests - before);
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
    integrationId: string,
    session: HuduSession,
    kind: AssetKind,
    payload: RecordPayload,
    record: ManageRecord,
    huduCompanyId: number,
    layout: Layout,
  ): Promise<{ outcome: Outcome; huduAssetId: number; writes: number }> {
    const key = { integrationId, kind, manageId: payload.manageId };
    const mapped = mapAsset(kind, record, layout);
    this.reportMissingFields(layout, kind, mapped.notInLayout);
    const fields = mapped.fields;
    const hash = hashFields(fields);
    const doc = await this.state.records.findOne(key).lean();
    const target = { companyId: huduCompanyId, layoutId: layout.id };
    let writes = 0;

    let existing: HuduAsset | undefined;
    let lastPushed: MappedFields | undefined;
    const knownAssetId =
      doc?.huduAssetId !== undefined && doc.huduCompanyId === huduCompanyId && doc.layoutId === layout.id
        ? doc.huduAssetId
        : undefined;
    if (doc && knownAssetId !== undefined) {
      const unarchive = doc.archived === true;
      if (!unarchive && doc.lastPushedHash === hash) {
        return { outcome: 'unchanged', huduAssetId: knownAssetId, writes: 0 };
      }
      const found = await session.client.getAsset(huduCompanyId, knownAssetId);
      if (found) {
        existing = found;
        lastPushed = readFields(doc.lastPushedFields);
        if (found.archived || unarchive) {
          if (found.archived) {
            existing = await session.client.unarchiveAsset(huduCompanyId, found.id);
            writes += 1;
          }
          await this.state.records.updateOne(key, { $set: { archived: false } });
        }
      }
    }

    if (!existing) {
      const fresh = doc?.pendingCreate !== undefined;
      const candidates = await this.companyAssets(session, huduCompanyId, fresh);
      const adopted =
        findAdoptable(kind, fields, target, candidates.map(candidateOf)) ??
        (doc?.pendingCreate
          ? findPendingCreate(fields, target, new Date(doc.pendingCreate), candidates.map(candidateOf))
          : undefined);
      existing = adopted ? candidates.find((a) => a.id === adopted.id) : undefined;
    }

    if (!existing) {
      await this.state.records.updateOne(
        key,
        {
          $set: {
            manageCompanyId: payload.companyManageId,
            huduCompanyId,
            layoutId: layout.id,
            pendingCreate: new Date(),
            updatedAt: new Date(),
          },
          $unset: { huduAssetId: 1, lastPushedHash: 1, lastPushedFields: 1, archived: 1 },
        },
        { upsert: true },
      );
      const created = await session.client.createAsset(huduCompanyId, assetInput(fields, layout.id));
      writes += 1;
      this.assetIndex.get(`${integrationId}:${huduCompanyId}`)?.assets.push(created);
      await this.recordPushed(key, payload, created.id, huduCompanyId, layout.id, hash, fields);
      return { outcome: 'created', huduAssetId: created.id, writes };
    }

    const current = currentAssetFields(existing);
    const plan = planUpdate({ ...(lastPushed ? { lastPushed } : {}), next: fields, current: current.fields });
    let outcome: Outcome = writes > 0 ? 'unarchived' : 'unchanged';
    if (plan.kind === 'update') {
      const updated = await session.client.updateAsset(
        huduCompanyId,
        existing.id,
        assetInput(plan.set, layout.id, current.custom),
      );
      writes += 1;
      outcome = 'updated';
      const index = this.assetIndex.get(`${integrationId}:${huduCompanyId}`);
      if (index) index.assets = index.assets.map((a) => (a.id === updated.id ? updated : a));
    }
    await this.recordPushed(key, payload, existing.id, huduCompanyId, layout.id, hash, fields);
    return { outcome, huduAssetId: existing.id, writes };
  }

  private async recordPushed(
    key: { integrationId: string; kind: AssetKind; manageId: number },
    payload: RecordPayload,
    huduAssetId: number,
    huduCompanyId: number,
    layoutId: number,
    hash: string,
    fields: MappedFields,
  ): Promise<void> {
    await this.state.records.updateOne(
      key,
      {
        $set: {
          manageCompanyId: payload.companyManageId,
          huduAssetId,
          huduCompanyId,
          layoutId,
          archived: false,
          lastPushedHash: hash,
          lastPushedFields: JSON.stringify(fields),
          updatedAt: new Date(),
        },
        $unset: { pendingCreate: 1 },
      },
      { upsert: true },
    );
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
    const assets = await session.client.allCompanyAssets(huduCompanyId);
    this.assetIndex.delete(key);
    this.assetIndex.set(key, { at: Date.now(), assets });
    while (this.assetIndex.size > ASSET_INDEX_MAX) {
      const oldest = this.assetIndex.keys().next().value;
      if (oldest === undefined) break;
      this.assetIndex.delete(oldest);
    }
    return assets;
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

  private async park(
    event: Envelope,
    kind: AssetKind,
    payload: RecordPayload,
    reason: 'undecided' | 'blocked',
  ) {
    await this.state.parked.updateOne(
      { integrationId: event.integrationId, kind, manageId: payload.manageId },
      {
        $set: {
          manageCompanyId: payload.companyManageId,
          reason,
          payload: JSON.stringify(payload),
          ...(event.runId ? { runId: event.runId } : {}),
          parkedAt: new Date(),
        },
      },
      { upsert: true },
    );
  }

  /**
   * Imports parked records in the order they were parked, each once per flush; a record Hudu rejects is
   * reported (ImportFailed) and leaves the park, so it does not hold up the others. Transient failures
   * propagate: the triggering event is retried and the flush resumes from what is still parked.
   */
  private async flushParked(
    event: Envelope,
    filter: {
      integrationId: string;
      manageCompanyId?: number;
      kind?: AssetKind;
      reason?: 'undecided' | 'blocked';
    },
  ): Promise<void> {
    let after: Types.ObjectId | undefined;
    for (;;) {
      const batch = await this.state.parked
        .find({ ...filter, ...(after ? { _id: { $gt: after } } : {}) })
        .sort({ _id: 1 })
        .limit(100)
        .lean();
      if (batch.length === 0) return;
      for (const parked of batch) {
        after = parked._id;
        const payload = JSON.parse(parked.payload) as RecordPayload;
        const replay: Envelope = {
          ...event,
          type: parked.kind === 'configuration' ? 'ConfigurationFetched' : 'ContactFetched',
          ...(parked.runId ? { runId: parked.runId } : {}),
          payload: payload as unknown as Record<string, unknown>,
        };
        try {
          await this.onRecord(replay, parked.kind, payload);
        } catch (error) {
          if (!(error instanceof PermanentFailure)) throw error;
          await this.state.parked.deleteOne({ _id: parked._id });
          this.logger.warn(
            { err: error, kind: parked.kind, manageId: parked.manageId },
            'parked record rejected',
          );
        }
      }
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
