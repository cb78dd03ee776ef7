/**
 * The matcher, wired: the manage-records consumer (CompanyFetched, CompanyRemoved, FetchCompleted), the
 * Hudu mirror, the decisions API's operations, and CompanyMatched publishing. main.ts runs it as a
 * service; the integration test runs it in-process.
 */
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Connection } from 'mongoose';
import { HuduClient } from '@cw-hudu-sync/hudu-client';
import {
  companyFetchedV1,
  createEvent,
  type Envelope,
  fetchCompletedV1,
  manageIdSchema,
  TOPICS,
} from '@cw-hudu-sync/contracts';
import type { IntegrationCredentials, IntegrationView } from '@cw-hudu-sync/integrations';
import { RunStore } from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import {
  type HuduCompanyForMatching,
  type MatchProposal,
  proposeMatches,
  proposeMatchesForAll,
} from '@cw-hudu-sync/matching';
import {
  type BackoffSettings,
  EventConsumer,
  type EventPublisher,
  oneByOne,
  reasonOf,
} from '@cw-hudu-sync/messaging';
import { z } from 'zod';
import { adminDecidedBy, type DecisionBody, type ListQuery } from './lib/api-input';
import { HuduMirror, type HuduCompaniesLoader } from './lib/hudu-mirror';
import {
  companyForMatching,
  companyMatchedPayload,
  confirmableExactMatches,
  type DecisionRequest,
  policyOutcome,
  type RecordedDecision,
  recordedLinks,
  statusOf,
} from './lib/match-rules';
import { type MatchCompanyDocument, MatchStore } from './lib/match-store';

/** What the matcher needs of the integration store. */
export interface MatcherIntegrations {
  get(id: string): Promise<IntegrationView | undefined>;
  credentials(id: string): Promise<IntegrationCredentials>;
}

export interface MatcherSettings {
  kafka: Kafka;
  publisher: EventPublisher;
  namespace?: string;
  db: Connection;
  logger: Logger;
  integrations: MatcherIntegrations;
  metrics?: Registry;
  /** Consumer group (default `matcher`). */
  groupId?: string;
  /** How long a Hudu mirror is reused before it is read again (default 5 minutes). */
  mirrorMaxAgeMs?: number;
  /** Reads an integration's Hudu companies; default: through the Hudu client with the integration's key. */
  loadHuduCompanies?: HuduCompaniesLoader;
  consumer?: { maxAttempts?: number; backoff?: BackoffSettings; sessionTimeoutMs?: number };
}

export interface Matcher {
  api: MatcherApi;
  consumer: EventConsumer;
  mirror: HuduMirror;
  store: MatchStore;
  stop(): Promise<void>;
}

/** A problem an API caller can act on: HTTP status, message and reasons. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reasons: string[] = [],
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

const PUBLISH_CHUNK = 100;

/** Removed or soft-deleted companies take no part in matching: never decided by a policy, never claimants. */
const isMatchable = (doc: MatchCompanyDocument) => !doc.removed && !doc.company.deleted;
const DECISION_ATTEMPTS = 10;

/** The default mirror loader: every live Hudu company of the integration, through the Hudu client. */
export function huduClientLoader(integrations: MatcherIntegrations, logger: Logger): HuduCompaniesLoader {
  return async (integrationId) => {
    const credentials = await integrations.credentials(integrationId);
    const client = new HuduClient({
      baseUrl: credentials.hudu.baseUrl,
      apiKey: credentials.hudu.apiKey,
      budget: { perWindow: credentials.options.huduRequestsPerMinute, windowMs: 60_000 },
      logger,
    });
    try {
      const companies = await client.allCompanies();
      return companies.map((c): HuduCompanyForMatching => ({
        id: c.id,
        name: c.name,
        id_number: c.id_number,
        website: c.website,
        archived: c.archived,
      }));
    } finally {
      await client.close();
    }
  };
}

/** Starts the matcher's consumer; resolves once it runs. */
export async function startMatcher(settings: MatcherSettings): Promise<Matcher> {
  const { logger, publisher, integrations } = settings;
  const store = new MatchStore(settings.db);
  await store.ensureIndexes();
  const runs = new RunStore(settings.db, { stage: 'match' });
  const mirror = new HuduMirror({
    load: settings.loadHuduCompanies ?? huduClientLoader(integrations, logger),
    maxAgeMs: settings.mirrorMaxAgeMs ?? 5 * 60_000,
  });
  const publishAll = async (events: Envelope[]) => {
    for (let i = 0; i < events.length; i += PUBLISH_CHUNK)
      await publisher.publish(events.slice(i, i + PUBLISH_CHUNK));
  };
  const matchedEvent = (
    context: { integrationId: string; runId?: string; causationId?: string },
    doc: MatchCompanyDocument,
    decision: RecordedDecision,
  ) => createEvent('CompanyMatched', context, companyMatchedPayload(doc.company, doc.contentHash, decision));
  const countRun = async (runId: string | undefined, outcome: string, by: number) => {
    if (runId && by > 0) await runs.count(runId, 'company', outcome, by);
  };
  const eventContext = (event: Envelope) => ({
    integrationId: event.integrationId,
    causationId: event.eventId,
    ...(event.runId ? { runId: event.runId } : {}),
  });

  async function onCompanyFetched(event: Envelope) {
    const { company, contentHash } = companyFetchedV1.parse(event.payload);
    const integrationId = event.integrationId;
    if (!(await integrations.get(integrationId))) {
      logger.warn({ integrationId }, 'CompanyFetched for an unknown integration; ignored');
      return;
    }
    // A preview proposal for the review list; the decision waits for FetchCompleted (see apps/matcher/README.md).
    let proposal: MatchProposal | undefined;
    try {
      const snapshot = await mirror.get(integrationId);
      proposal = proposeMatches(companyForMatching(company), snapshot.index);
    } catch (error) {
      logger.warn(
        { integrationId, err: reasonOf(error) },
        'Hudu mirror unavailable; proposing at FetchCompleted',
      );
    }
    // Snapshot first, decision second: a decision taken concurrently through the API reads this snapshot.
    await store.saveSnapshot(integrationId, company, contentHash, proposal);
    const latest = await store.latestDecision(integrationId, company.id);
    if (latest?.decision) {
      await publisher.publish(
        createEvent(
          'CompanyMatched',
          eventContext(event),
          companyMatchedPayload(company, contentHash, latest),
        ),
      );
      await countRun(event.runId, 'matched', 1);
    }
  }

  async function onCompanyRemoved(event: Envelope) {
    const { manageId } = z.looseObject({ manageId: manageIdSchema }).parse(event.payload);
    await store.markRemoved(event.integrationId, manageId);
  }

  async function onFetchCompleted(event: Envelope) {
    fetchCompletedV1.parse(event.payload);
    const integrationId = event.integrationId;
    const integration = await integrations.get(integrationId);
    if (!integration) {
      logger.warn({ integrationId }, 'FetchCompleted for an unknown integration; ignored');
      return;
    }
    const policy = integration.options.matchPolicy;
    const snapshot = await mirror.get(integrationId, { refresh: true });
    const docs = (await store.allCompanies(integrationId)).filter(isMatchable);
    const latest = await store.latestDecisions(integrationId);
    const pending = docs.filter((doc) => statusOf(latest.get(doc.manageCompanyId)) === 'pending');
    const proposals = proposeMatchesForAll(
      pending.map((doc) => companyForMatching(doc.company)),
      snapshot.index,
      recordedLinks(latest),
    );
    let stillPending = 0;
    let created = false;
    for (const [i, doc] of pending.entries()) {
      const proposal = proposals[i];
      if (!proposal) continue;
      if (JSON.stringify(doc.proposal) !== JSON.stringify(proposal)) {
        await store.saveProposal(integrationId, doc.manageCompanyId, proposal);
      }
      const outcome = policyOutcome(proposal, policy);
      if (outcome.kind === 'pending') {
        stillPending++;
        continue;
      }
      const expectedSeq = latest.get(doc.manageCompanyId)?.seq ?? 0;
      const recorded = await store.recordDecision(
        integrationId,
        doc.manageCompanyId,
        expectedSeq,
        outcome.request,
        event.eventId,
      );
      if (recorded?.decision === 'create') created = true;
    }
    if (created) mirror.invalidate(integrationId);
    // Publish what this event decided, this time or in an earlier delivery that did not get to publish.
    const caused = await store.decisionsCausedBy(integrationId, event.eventId);
    const current = await store.latestDecisions(integrationId);
    const byId = new Map(docs.map((doc) => [doc.manageCompanyId, doc]));
    const events: Envelope[] = [];
    for (const { manageCompanyId, decision } of caused) {
      const doc = byId.get(manageCompanyId);
      if (!doc || current.get(manageCompanyId)?.seq !== decision.seq) continue;
      events.push(matchedEvent(eventContext(event), doc, decision));
    }
    await publishAll(events);
    await countRun(event.runId, 'matched', events.length);
    await countRun(event.runId, 'pending', stillPending);
    logger.info(
      {
        integrationId,
        policy,
        pending: stillPending,
        decided: events.length,
        huduCompanies: snapshot.companies.length,
      },
      'matching after fetch done',
    );
  }

  const handle = async (event: Envelope): Promise<void> => {
    switch (event.type) {
      case 'CompanyFetched':
        return onCompanyFetched(event);
      case 'CompanyRemoved':
        return onCompanyRemoved(event);
      case 'FetchCompleted':
        return onFetchCompleted(event);
      default:
        return; // configurations and contacts are the importer's
    }
  };

  const consumer = new EventConsumer({
    kafka: settings.kafka,
    groupId: settings.groupId ?? 'matcher',
    topics: [TOPICS.manageRecords],
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    publisher,
    logger,
    ...(settings.metrics ? { metrics: settings.metrics } : {}),
    ...(settings.consumer?.maxAttempts ? { maxAttempts: settings.consumer.maxAttempts } : {}),
    ...(settings.consumer?.backoff ? { backoff: settings.consumer.backoff } : {}),
    ...(settings.consumer?.sessionTimeoutMs ? { sessionTimeoutMs: settings.consumer.sessionTimeoutMs } : {}),
    // Batches: configurations and contacts (most of the topic) are the importer's, and cost the matcher
    // nothing but their share of one commit per chunk instead of a commit each (each still gets its span:
    // the record's journey shows the matcher saw it, ADR 0009). Companies are matched one after the other
    // in offset order, each in its own trace; behind a failed one, the rest of its integration waits so
    // decisions keep their order on retry.
    maxBatchSize: 500,
    batchHandler: oneByOne(handle),
  });

  const api = new MatcherApi({ store, mirror, integrations, publisher, publishAll, logger });
  try {
    await consumer.start();
  } catch (error) {
    await consumer.stop().catch(() => undefined);
    throw error;
  }
  return { api, consumer, mirror, store, stop: () => consumer.stop() };
}

export interface MatchView {
  manageCompanyId: number;
  name: string;
  identifier: string;
  status: 'pending' | 'decided';
  removed: boolean;
  contentHash: string;
  updatedAt: string;
  decision?: Omit<RecordedDecision, 'seq' | 'causationId'>;
  proposal?: {
    ambiguous: boolean;
    ambiguities: MatchProposal['ambiguities'];
    exactMatch?: MatchProposal['exactMatch'];
    missingLinkedHuduCompanyId?: number;
    candidates: MatchProposal['candidates'];
    proposedAt?: string;
  };
}

function toView(doc: MatchCompanyDocument, decision: RecordedDecision | undefined): MatchView {
  const proposal = doc.proposal;
  return {
    manageCompanyId: doc.manageCompanyId,
    name: doc.company.name,
    identifier: doc.company.identifier,
    status: statusOf(decision),
    removed: doc.removed === true,
    contentHash: doc.contentHash,
    updatedAt: new Date(doc.updatedAt).toISOString(),
    ...(decision?.decision
      ? {
          decision: {
            decision: decision.decision,
            ...(decision.huduCompanyId !== undefined ? { huduCompanyId: decision.huduCompanyId } : {}),
            decidedBy: decision.decidedBy,
            at: decision.at,
            reasons: decision.reasons,
          },
        }
      : {}),
    ...(proposal
      ? {
          proposal: {
            ambiguous: proposal.ambiguous,
            ambiguities: proposal.ambiguities,
            ...(proposal.exactMatch ? { exactMatch: proposal.exactMatch } : {}),
            ...(proposal.missingLinkedHuduCompanyId !== undefined
              ? { missingLinkedHuduCompanyId: proposal.missingLinkedHuduCompanyId }
              : {}),
            candidates: proposal.candidates,
            ...(doc.proposedAt ? { proposedAt: new Date(doc.proposedAt).toISOString() } : {}),
          },
        }
      : {}),
  };
}

/**
 * The decisions API's operations. Decisions go into the insert-only decision log (see MatchStore), so an
 * admin and the policy, or two admins, never lose each other's writes; each decision publishes
 * CompanyMatched at once with the company's latest snapshot.
 */
export class MatcherApi {
  constructor(
    private readonly deps: {
      store: MatchStore;
      mirror: HuduMirror;
      integrations: MatcherIntegrations;
      publisher: EventPublisher;
      publishAll: (events: Envelope[]) => Promise<void>;
      logger: Logger;
    },
  ) {}

  async list(integrationId: string, query: ListQuery) {
    await this.requireIntegration(integrationId);
    const { store } = this.deps;
    const [docs, latest] = await Promise.all([
      store.allCompanies(integrationId),
      store.latestDecisions(integrationId),
    ]);
    const views = docs
      .map((doc) => toView(doc, latest.get(doc.manageCompanyId)))
      .filter((view) => (query.status ? view.status === query.status : true))
      .filter((view) => !(view.status === 'pending' && view.removed));
    return {
      integrationId,
      total: views.length,
      limit: query.limit,
      offset: query.offset,
      items: views.slice(query.offset, query.offset + query.limit),
    };
  }

  async decide(integrationId: string, manageCompanyId: number, body: DecisionBody): Promise<MatchView> {
    await this.requireIntegration(integrationId);
    await this.requireCompany(integrationId, manageCompanyId);
    const decidedBy = adminDecidedBy(body.by);
    let request: DecisionRequest;
    if (body.decision === 'link') {
      const name = await this.requireHuduCompany(integrationId, body.huduCompanyId);
      await this.refuseSecondLink(integrationId, manageCompanyId, body.huduCompanyId);
      request = {
        decision: 'link',
        huduCompanyId: body.huduCompanyId,
        decidedBy,
        reasons: [`confirmed by ${decidedBy}: Hudu ${body.huduCompanyId} "${name}"`.slice(0, 200)],
      };
    } else {
      request = {
        decision: body.decision,
        decidedBy,
        reasons: [
          body.decision === 'create' ? `create requested by ${decidedBy}` : `ignored by ${decidedBy}`,
        ],
      };
    }
    const decision = await this.record(integrationId, manageCompanyId, request);
    // Publish the current decision and snapshot as they are now: of concurrent deciders, the later one
    // then publishes the decision that stands (and a concurrent CompanyFetched's snapshot is not lost).
    const doc = await this.requireCompany(integrationId, manageCompanyId);
    const current = (await this.deps.store.latestDecision(integrationId, manageCompanyId)) ?? decision;
    if (current.decision) await this.publish(integrationId, [{ doc, decision: current }]);
    if (decision.decision === 'create') this.deps.mirror.invalidate(integrationId);
    return toView(doc, decision);
  }

  /**
   * One Hudu company documents one Manage company: linking a second one to it would merge two customers'
   * records (the "duplicate/wrong match" complaint). Refused with the company already linked named.
   */
  private async refuseSecondLink(integrationId: string, manageCompanyId: number, huduCompanyId: number) {
    const latest = await this.deps.store.latestDecisions(integrationId);
    for (const [otherId, decision] of latest) {
      if (
        otherId !== manageCompanyId &&
        decision.decision === 'link' &&
        decision.huduCompanyId === huduCompanyId
      ) {
        throw new ApiProblem(
          409,
          `Hudu company ${huduCompanyId} is already linked to Manage company ${otherId}`,
          [
            `huduCompanyId: already linked to Manage company ${otherId}; undo that decision first, or choose "create"`,
          ],
        );
      }
    }
  }

  async undo(integrationId: string, manageCompanyId: number, by?: string): Promise<MatchView> {
    await this.requireIntegration(integrationId);
    const doc = await this.requireCompany(integrationId, manageCompanyId);
    const latest = await this.deps.store.latestDecision(integrationId, manageCompanyId);
    if (!latest?.decision) return toView(doc, latest);
    const decidedBy = adminDecidedBy(by);
    const decision = await this.record(integrationId, manageCompanyId, {
      decision: null,
      decidedBy,
      reasons: [`${latest.decision} decision undone by ${decidedBy}`],
    });
    return toView(doc, decision);
  }

  /** Confirms every pending company whose proposal is a unique, unambiguous exact match. */
  async confirmExact(integrationId: string, by?: string) {
    await this.requireIntegration(integrationId);
    const { store } = this.deps;
    const snapshot = await this.mirrorOf(integrationId);
    const docs = (await store.allCompanies(integrationId)).filter(isMatchable);
    const latest = await store.latestDecisions(integrationId);
    const pending = docs.filter((doc) => statusOf(latest.get(doc.manageCompanyId)) === 'pending');
    const proposals = proposeMatchesForAll(
      pending.map((doc) => companyForMatching(doc.company)),
      snapshot.index,
      recordedLinks(latest),
    );
    const byId = new Map(pending.map((doc) => [doc.manageCompanyId, doc]));
    const decided: Array<{ doc: MatchCompanyDocument; decision: RecordedDecision }> = [];
    let conflicts = 0;
    for (const { manageCompanyId, request } of confirmableExactMatches(proposals, adminDecidedBy(by))) {
      const doc = byId.get(manageCompanyId);
      if (!doc) continue;
      const expectedSeq = latest.get(manageCompanyId)?.seq ?? 0;
      const decision = await store.recordDecision(integrationId, manageCompanyId, expectedSeq, request);
      if (decision) decided.push({ doc, decision });
      else conflicts++;
    }
    await this.publish(integrationId, decided);
    return {
      integrationId,
      confirmed: decided.length,
      decidedConcurrently: conflicts,
      pending: pending.length - decided.length - conflicts,
    };
  }

  private async record(
    integrationId: string,
    manageCompanyId: number,
    request: DecisionRequest,
  ): Promise<RecordedDecision> {
    for (let attempt = 1; attempt <= DECISION_ATTEMPTS; attempt++) {
      const latest = await this.deps.store.latestDecision(integrationId, manageCompanyId);
      const recorded = await this.deps.store.recordDecision(
        integrationId,
        manageCompanyId,
        latest?.seq ?? 0,
        request,
      );
      if (recorded) return recorded;
      // Someone decided in between: read again after a short, jittered pause.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
    throw new ApiProblem(409, 'the match was being decided concurrently; try again');
  }

  private async publish(
    integrationId: string,
    decided: Array<{ doc: MatchCompanyDocument; decision: RecordedDecision }>,
  ): Promise<void> {
    try {
      await this.deps.publishAll(
        decided.map(({ doc, decision }) =>
          createEvent(
            'CompanyMatched',
            { integrationId },
            companyMatchedPayload(doc.company, doc.contentHash, decision),
          ),
        ),
      );
    } catch (error) {
      this.deps.logger.error({ err: error, integrationId }, 'CompanyMatched not published');
      throw new ApiProblem(
        503,
        'the decision is recorded but CompanyMatched could not be published; repeat the request',
        [reasonOf(error)],
      );
    }
  }

  private async requireIntegration(integrationId: string): Promise<IntegrationView> {
    const integration = await this.deps.integrations.get(integrationId);
    if (!integration) throw new ApiProblem(404, `integration "${integrationId}" does not exist`);
    return integration;
  }

  private async requireCompany(
    integrationId: string,
    manageCompanyId: number,
  ): Promise<MatchCompanyDocument> {
    const doc = await this.deps.store.company(integrationId, manageCompanyId);
    if (!doc) {
      throw new ApiProblem(
        404,
        `Manage company ${manageCompanyId} is not known to integration "${integrationId}"`,
        ['only companies the fetcher has sent can be decided; run a sync first'],
      );
    }
    return doc;
  }

  private async mirrorOf(integrationId: string, refresh = false) {
    try {
      return await this.deps.mirror.get(integrationId, { refresh });
    } catch (error) {
      throw new ApiProblem(502, 'the Hudu companies could not be read', [reasonOf(error)]);
    }
  }

  /** The Hudu company's name; it must be in the mirror (read again once if it is not). */
  private async requireHuduCompany(integrationId: string, huduCompanyId: number): Promise<string> {
    const found =
      (await this.mirrorOf(integrationId)).index.get(huduCompanyId) ??
      (await this.mirrorOf(integrationId, true)).index.get(huduCompanyId);
    if (!found) {
      throw new ApiProblem(422, `Hudu company ${huduCompanyId} does not exist (or is archived)`, [
        'huduCompanyId: must be one of the integration’s live Hudu companies',
      ]);
    }
    return found.company.name;
  }
}
