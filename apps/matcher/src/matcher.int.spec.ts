/**
 * The matcher in-process against the real broker and FerretDB, with the Hudu simulator seeded from the
 * small Manage dataset: policies, the decisions API, republishing of decided companies, undo.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Consumer, Kafka } from 'kafkajs';
import {
  createEvent,
  decodeEvent,
  type Envelope,
  type ManageCompany,
  type PayloadOf,
  TOPICS,
} from '@cw-hudu-sync/contracts';
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { IntegrationStore, RunStore } from '@cw-hudu-sync/integrations';
import { createKafka, ensureTopics, EventPublisher, productTopics, topicName } from '@cw-hudu-sync/messaging';
import { connectDatabase } from '@cw-hudu-sync/persistence';
// The sample data is test input here (the Manage companies and the Hudu tenant made from them).
import { huduSeed, manageDataset, type HuduSeedCompany } from '@cw-hudu-sync/sample-data';
import { SecretBox } from '@cw-hudu-sync/secrets';
import { buildServiceApp } from '@cw-hudu-sync/service';
import { isolatedMongoUrl, stackAddresses, testLogger, uniqueName, waitFor } from '@cw-hudu-sync/testing';
import { type Matcher, startMatcher } from './matcher';
import { matcherRoutes } from './routes';

const logger = testLogger('matcher-int');
const TOKEN = 'test-admin-token-0123456789';
const HUDU_KEY = 'hudu-test-key';
const SEED = 7;
const auth = { authorization: `Bearer ${TOKEN}` };

type Matched = PayloadOf<'CompanyMatched'>;

// ---- Manage companies as the fetcher publishes them ---------------------------------------------

const dataset = manageDataset({ size: 'small', seed: SEED });
const inactiveStatus = new Set(dataset.companyStatuses.filter((s) => s.inactiveFlag).map((s) => s.id));
const manageCompanies: ManageCompany[] = dataset.companies.map((c) => ({
  id: c.id,
  identifier: c.identifier,
  name: c.name,
  ...(c.status ? { statusName: c.status.name } : {}),
  inactive: c.status ? inactiveStatus.has(c.status.id) : false,
  deleted: c.deletedFlag ?? false,
  ...(c.addressLine1 ? { addressLine1: c.addressLine1 } : {}),
  ...(c.city ? { city: c.city } : {}),
  ...(c.country ? { country: c.country.name } : {}),
  ...(c.phoneNumber ? { phoneNumber: c.phoneNumber } : {}),
  ...(c.website ? { website: c.website } : {}),
  typeNames: (c.types ?? []).map((t) => t.name),
  ...(c._info.lastUpdated ? { lastUpdated: c._info.lastUpdated } : {}),
}));
const seedInput = {
  seed: SEED,
  manageCompanies: dataset.companies.map(({ id, identifier, name, website }) => ({
    id,
    identifier,
    name,
    ...(website ? { website } : {}),
  })),
};
const seed = huduSeed(seedInput);

const hashOf = (company: ManageCompany) => createHash('sha256').update(JSON.stringify(company)).digest('hex');

/** A deliberately simple comparison (not the library's): case, punctuation and a few legal suffixes. */
const simpleName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\b(incorporated|inc|llc|ltd|limited|corporation|corp|company|co|gmbh|pty)\b/g, ' ')
    .replace(/\s+/g, '');

/** Seed companies typed for a Manage company under the same name (case, punctuation, suffix aside). */
function sameNameSeeds(company: ManageCompany): HuduSeedCompany[] {
  return seed.companies.filter(
    (s) =>
      s.manageCompanyId === company.id &&
      (s.kind === 'exact' || s.kind === 'approximate') &&
      simpleName(s.name) === simpleName(company.name),
  );
}

// ---- the stack ------------------------------------------------------------------------------------

let kafka: Kafka;
let namespace: string;
let publisher: EventPublisher;
let db: Connection;
let hudu: HuduSimulator;
let matcher: Matcher;
let runs: RunStore;
let reader: Consumer;
const matched: Envelope<Matched>[] = [];
let app: ReturnType<typeof buildServiceApp>;
const huduIdByName = new Map<string, number>();

const INTEGRATIONS = { review: 'rev', exact: 'exact', create: 'create' } as const;

beforeAll(async () => {
  const { kafkaBrokers } = stackAddresses();
  kafka = createKafka({ brokers: kafkaBrokers, clientId: 'matcher-int-test', logger });
  namespace = uniqueName('matcher');
  await ensureTopics(kafka, productTopics(2, namespace));
  publisher = new EventPublisher(kafka, logger, { namespace });
  await publisher.connect();
  db = await connectDatabase({ url: isolatedMongoUrl('matcher'), logger });

  hudu = buildHuduSimulator({ apiKeys: [HUDU_KEY], seed: seedInput });
  const origin = await hudu.listen({ host: '127.0.0.1', port: 0 });
  for (const company of hudu.store.companies.values()) huduIdByName.set(company.name, company.id);

  const secrets = SecretBox.fromEnvironment(`k1:${randomBytes(32).toString('base64')}`);
  const integrations = new IntegrationStore(db, secrets);
  for (const [policy, id] of Object.entries(INTEGRATIONS)) {
    await integrations.create({
      id,
      name: `matcher test ${policy}`,
      manage: {
        siteUrl: 'http://127.0.0.1:9',
        companyId: 'msp',
        publicKey: 'pub',
        privateKey: 'priv',
        clientId: 'client',
      },
      hudu: { baseUrl: origin, apiKey: HUDU_KEY },
      options: {
        matchPolicy: policy === 'review' ? 'review' : policy === 'exact' ? 'auto-exact' : 'auto-create',
      },
    });
  }
  runs = new RunStore(db);

  matcher = await startMatcher({
    kafka,
    publisher,
    namespace,
    db,
    logger,
    integrations,
    groupId: uniqueName('matcher'),
    mirrorMaxAgeMs: 60_000,
    consumer: { backoff: { initialMs: 50, maxMs: 500 }, maxAttempts: 3 },
  });
  app = buildServiceApp({
    name: 'matcher',
    logger,
    readiness: [],
    routes: matcherRoutes({ adminToken: TOKEN, api: () => matcher.api }),
  });
  await app.ready();

  reader = kafka.consumer({ groupId: uniqueName('matched-reader') });
  await reader.connect();
  await reader.subscribe({ topic: topicName(TOPICS.companyMatches, namespace), fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => void matched.push(decodeEvent(message.value) as Envelope<Matched>),
  });
}, 120_000);

afterAll(async () => {
  await reader?.disconnect();
  await matcher?.stop();
  await app?.close();
  await publisher?.disconnect();
  await hudu?.close();
  await db?.close();
});

// ---- helpers --------------------------------------------------------------------------------------

const matchedFor = (integrationId: string) => matched.filter((e) => e.integrationId === integrationId);

let lastFetchCompleted: Envelope | undefined;

async function fetchAll(integrationId: string, companies: readonly ManageCompany[]): Promise<string> {
  const runId = uniqueName('run');
  await runs.start(runId, integrationId, 'full');
  lastFetchCompleted = createEvent(
    'FetchCompleted',
    { integrationId, runId },
    { mode: 'full', counts: { company: companies.length } },
  );
  await publisher.publish([
    ...companies.map((company) =>
      createEvent(
        'CompanyFetched',
        { integrationId, runId },
        { manageId: company.id, contentHash: hashOf(company), company },
      ),
    ),
    lastFetchCompleted,
  ]);
  // The matcher counts matched/pending once it has handled FetchCompleted.
  await waitFor(
    async () => {
      const counts = (await runs.get(runId))?.counts['company'];
      return counts && (counts['pending'] ?? 0) + (counts['matched'] ?? 0) > 0 ? counts : undefined;
    },
    { what: `matching of run ${runId}`, timeoutMs: 45_000 },
  );
  return runId;
}

async function fetchOne(integrationId: string, company: ManageCompany) {
  await publisher.publish(
    createEvent(
      'CompanyFetched',
      { integrationId },
      { manageId: company.id, contentHash: hashOf(company), company },
    ),
  );
}

interface View {
  manageCompanyId: number;
  status: string;
  contentHash: string;
  decision?: { decision: string; huduCompanyId?: number; decidedBy: string };
  proposal?: {
    ambiguous: boolean;
    candidates: Array<{ huduCompanyId: number; score: number; reasons: unknown[] }>;
  };
}

async function list(integrationId: string, query = '') {
  const response = await app.inject({
    method: 'GET',
    url: `/api/integrations/${integrationId}/matches?limit=500${query}`,
    headers: auth,
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ total: number; items: View[] }>();
}

const decide = (integrationId: string, manageCompanyId: number | string, body: unknown, headers = auth) =>
  app.inject({
    method: 'POST',
    url: `/api/integrations/${integrationId}/matches/${manageCompanyId}/decision`,
    headers,
    payload: body as Record<string, unknown>,
  });

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

// A Manage company with exactly one Hudu company typed under its name, and a unique name in Manage.
const matchable = manageCompanies.filter((m) => !m.deleted);
const uniqueExact = matchable.filter(
  (m) =>
    sameNameSeeds(m).length === 1 &&
    manageCompanies.filter((o) => simpleName(o.name) === simpleName(m.name)).length === 1,
);

// ---- tests ----------------------------------------------------------------------------------------

describe('matcher (real broker + FerretDB, Hudu simulator)', () => {
  it('has sample data with unique exact matches to work with', () => {
    expect(uniqueExact.length).toBeGreaterThan(2);
  });

  describe('policy review', () => {
    const id = INTEGRATIONS.review;
    let chosen: ManageCompany;
    let huduId: number;

    it('publishes nothing before a decision and lists every company pending with proposals', async () => {
      const runId = await fetchAll(id, manageCompanies);
      // Soft-deleted companies are listed but take no part in matching.
      expect((await runs.get(runId))?.counts['company']).toEqual({ pending: matchable.length });
      const pending = await list(id, '&status=pending');
      expect(pending.total).toBe(manageCompanies.length);
      chosen = uniqueExact[0]!;
      const seedCompany = sameNameSeeds(chosen)[0]!;
      huduId = huduIdByName.get(seedCompany.name)!;
      const view = pending.items.find((v) => v.manageCompanyId === chosen.id)!;
      expect(view.proposal?.ambiguous).toBe(false);
      expect(view.proposal?.candidates[0]).toMatchObject({ huduCompanyId: huduId });
      expect(view.proposal?.candidates[0]?.reasons.length).toBeGreaterThan(0);
      await settle();
      expect(matchedFor(id)).toHaveLength(0);
    });

    it('publishes exactly one CompanyMatched for a decision through the API', async () => {
      const response = await decide(id, chosen.id, { decision: 'link', huduCompanyId: huduId, by: 'tester' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'decided',
        decision: { decision: 'link', huduCompanyId: huduId },
      });
      await waitFor(() => matchedFor(id).length >= 1, { what: 'CompanyMatched after the decision' });
      await settle();
      expect(matchedFor(id)).toHaveLength(1);
      expect(matchedFor(id)[0]?.payload).toMatchObject({
        manageCompanyId: chosen.id,
        decision: 'link',
        huduCompanyId: huduId,
        decidedBy: 'admin:tester',
        contentHash: hashOf(chosen),
        company: { id: chosen.id, name: chosen.name },
      });
      const decided = await list(id, '&status=decided');
      expect(decided.items.map((v) => v.manageCompanyId)).toEqual([chosen.id]);
    });

    it('refuses to link a second Manage company to a Hudu company that is already linked (409)', async () => {
      const other = matchable.find((m) => m.id !== chosen.id)!;
      const response = await decide(id, other.id, { decision: 'link', huduCompanyId: huduId });
      expect(response.statusCode).toBe(409);
      expect(JSON.stringify(response.json())).toContain(`already linked to Manage company ${chosen.id}`);
      const pending = await list(id, '&status=pending');
      expect(pending.items.map((v) => v.manageCompanyId)).toContain(other.id);
    });

    it('publishes CompanyMatched again when a decided company changes in Manage', async () => {
      const changed = { ...chosen, phoneNumber: '+1 555 0100' };
      await fetchOne(id, changed);
      await waitFor(() => matchedFor(id).length >= 2, { what: 'CompanyMatched for the changed company' });
      expect(matchedFor(id)[1]?.payload).toMatchObject({
        manageCompanyId: chosen.id,
        decision: 'link',
        huduCompanyId: huduId,
        contentHash: hashOf(changed),
        company: { phoneNumber: '+1 555 0100' },
      });
      chosen = changed;
    });

    it('undoes a decision: pending again, and later changes no longer flow on', async () => {
      const response = await app.inject({
        method: 'DELETE',
        url: `/api/integrations/${id}/matches/${chosen.id}/decision`,
        headers: auth,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'pending' });
      expect(response.json()).not.toHaveProperty('decision');
      expect((await list(id, '&status=pending')).items.map((v) => v.manageCompanyId)).toContain(chosen.id);
      const changedAgain = { ...chosen, phoneNumber: '+1 555 0199' };
      await fetchOne(id, changedAgain);
      await waitFor(
        async () =>
          (await list(id)).items.find((v) => v.manageCompanyId === chosen.id)?.contentHash ===
          hashOf(changedAgain),
        { what: 'the new snapshot to be stored' },
      );
      await settle();
      expect(matchedFor(id)).toHaveLength(2);
    });

    it('create and ignore decisions publish at once, without a Hudu company', async () => {
      const [a, b] = manageCompanies.filter((m) => m.id !== chosen.id);
      expect((await decide(id, a!.id, { decision: 'create' })).statusCode).toBe(200);
      expect((await decide(id, b!.id, { decision: 'ignore' })).statusCode).toBe(200);
      await waitFor(() => matchedFor(id).length >= 4, { what: 'create and ignore CompanyMatched' });
      const [created, ignored] = matchedFor(id)
        .slice(2)
        .map((e) => e.payload);
      expect(created).toMatchObject({ manageCompanyId: a!.id, decision: 'create', decidedBy: 'admin:api' });
      expect(ignored).toMatchObject({ manageCompanyId: b!.id, decision: 'ignore' });
      expect(created).not.toHaveProperty('huduCompanyId');
    });

    it('bulk-confirms the unambiguous exact proposals and reports counts', async () => {
      const before = matchedFor(id).length;
      const response = await app.inject({
        method: 'POST',
        url: `/api/integrations/${id}/matches/confirm-exact`,
        headers: auth,
      });
      expect(response.statusCode).toBe(200);
      const result = response.json<{ confirmed: number; pending: number }>();
      expect(result.confirmed).toBeGreaterThanOrEqual(uniqueExact.length - 1);
      await waitFor(() => matchedFor(id).length >= before + result.confirmed, {
        what: 'bulk CompanyMatched',
      });
      for (const event of matchedFor(id).slice(before)) {
        const target = [...hudu.store.companies.values()].find((c) => c.id === event.payload.huduCompanyId);
        const seedCompany = seed.companies.find((s) => s.name === target?.name);
        expect(seedCompany?.manageCompanyId).toBe(event.payload.manageCompanyId);
      }
      const again = await app.inject({
        method: 'POST',
        url: `/api/integrations/${id}/matches/confirm-exact`,
        headers: auth,
      });
      expect(again.json()).toMatchObject({ confirmed: 0 });
    });
  });

  describe('the decisions API refuses', () => {
    const id = INTEGRATIONS.review;
    const someone = () => manageCompanies[0]!.id;

    it('401 without or with a wrong token', async () => {
      for (const headers of [
        {},
        { authorization: 'Bearer wrong-token-0123456789' },
        { authorization: TOKEN },
      ]) {
        const listResponse = await app.inject({
          method: 'GET',
          url: `/api/integrations/${id}/matches`,
          headers,
        });
        expect(listResponse.statusCode).toBe(401);
        expect(listResponse.json()).toHaveProperty('error');
        expect((await decide(id, someone(), { decision: 'ignore' }, headers as typeof auth)).statusCode).toBe(
          401,
        );
      }
    });

    it('400 with reasons on bad input', async () => {
      const bad = [
        await decide(id, someone(), { decision: 'merge' }),
        await decide(id, someone(), { decision: 'link' }),
        await decide(id, someone(), { decision: 'link', huduCompanyId: 'one' }),
        await decide(id, 'abc', { decision: 'ignore' }),
        await decide('bad id!', someone(), { decision: 'ignore' }),
        await app.inject({
          method: 'GET',
          url: `/api/integrations/${id}/matches?status=maybe`,
          headers: auth,
        }),
        await app.inject({ method: 'GET', url: `/api/integrations/${id}/matches?limit=0`, headers: auth }),
        await app.inject({
          method: 'POST',
          url: `/api/integrations/${id}/matches/${someone()}/decision`,
          headers: { ...auth, 'content-type': 'application/json' },
          payload: '{not json',
        }),
      ];
      for (const response of bad) {
        expect(response.statusCode).toBe(400);
        expect(response.json()).toHaveProperty('error');
      }
      expect(bad[1]!.json<{ reasons: string[] }>().reasons.join()).toContain('huduCompanyId');
    });

    it('404 for an unknown company or integration, 422 for an unknown Hudu company', async () => {
      const unknownCompany = await decide(id, 987_654, { decision: 'ignore' });
      expect(unknownCompany.statusCode).toBe(404);
      expect(unknownCompany.json<{ error: string }>().error).toContain('987654');
      expect(
        (
          await app.inject({
            method: 'DELETE',
            url: `/api/integrations/${id}/matches/987654/decision`,
            headers: auth,
          })
        ).statusCode,
      ).toBe(404);
      expect((await decide('nobody', someone(), { decision: 'ignore' })).statusCode).toBe(404);
      expect(
        (await app.inject({ method: 'GET', url: '/api/integrations/nobody/matches', headers: auth }))
          .statusCode,
      ).toBe(404);
      const unknownHudu = await decide(id, someone(), { decision: 'link', huduCompanyId: 999_999 });
      expect(unknownHudu.statusCode).toBe(422);
    });
  });

  describe('policy auto-exact', () => {
    const id = INTEGRATIONS.exact;

    it('publishes unique exact matches; ambiguous ones stay pending', async () => {
      // A second Manage company with the name of one that has a unique exact match: both become ambiguous.
      const original = uniqueExact[1]!;
      const twin: ManageCompany = { ...original, id: 900_001, identifier: 'TWIN900001', website: undefined };
      delete twin.website;
      await fetchAll(id, [...manageCompanies, twin]);
      await waitFor(() => matchedFor(id).length > 0, { what: 'auto-exact CompanyMatched' });
      await settle();

      const links = matchedFor(id).map((e) => e.payload);
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        expect(link).toMatchObject({ decision: 'link', decidedBy: 'policy:auto-exact' });
        const target = [...hudu.store.companies.values()].find((c) => c.id === link.huduCompanyId);
        expect(seed.companies.find((s) => s.name === target?.name)?.manageCompanyId).toBe(
          link.manageCompanyId,
        );
      }
      const linked = new Set(links.map((l) => l.manageCompanyId));
      for (const company of uniqueExact.filter((m) => m.id !== original.id))
        expect(linked).toContain(company.id);
      expect(linked).not.toContain(original.id);
      expect(linked).not.toContain(twin.id);

      const pending = await list(id, '&status=pending');
      for (const companyId of [original.id, twin.id]) {
        expect(pending.items.find((v) => v.manageCompanyId === companyId)?.proposal?.ambiguous).toBe(true);
      }
      expect(pending.total + linked.size).toBe(manageCompanies.length + 1);
    });
  });

  describe('at-least-once and concurrency', () => {
    it('a redelivered FetchCompleted republishes its decisions without deciding twice', async () => {
      const id = INTEGRATIONS.exact;
      const before = matchedFor(id).map((e) => e.payload.manageCompanyId);
      expect(lastFetchCompleted?.integrationId).toBe(id);
      await publisher.publish(lastFetchCompleted!);
      await waitFor(() => matchedFor(id).length >= before.length * 2, { what: 'republished CompanyMatched' });
      expect(
        matchedFor(id)
          .slice(before.length)
          .map((e) => e.payload.manageCompanyId),
      ).toEqual(before);
      const latest = await matcher.store.latestDecisions(id);
      for (const manageCompanyId of before) expect(latest.get(manageCompanyId)?.seq).toBe(1);
    });

    it('concurrent decisions on one company are all recorded, none lost', async () => {
      const id = INTEGRATIONS.review;
      const target = matchable[matchable.length - 1]!;
      const before = matchedFor(id).length;
      const seqStart = (await matcher.store.latestDecision(id, target.id))?.seq ?? 0;
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          decide(id, target.id, { decision: i % 2 === 0 ? 'ignore' : 'create', by: `admin${i}` }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array(6).fill(200));
      await waitFor(() => matchedFor(id).length >= before + 6, { what: 'six CompanyMatched' });
      // Six log entries after the ones before: every decision was recorded, none overwrote another.
      expect((await matcher.store.latestDecision(id, target.id))?.seq).toBe(seqStart + 6);
      const latest = await matcher.store.latestDecision(id, target.id);
      expect(latest?.decidedBy).toMatch(/^admin:admin[0-5]$/);
      for (const event of matchedFor(id).slice(before)) {
        expect(event.payload).toMatchObject({
          manageCompanyId: target.id,
          decidedBy: expect.stringMatching(/^admin:admin[0-5]$/),
        });
      }
    });

    it('CompanyRemoved takes a pending company off the pending list', async () => {
      const id = INTEGRATIONS.review;
      const pending = await list(id, '&status=pending');
      const victim = pending.items[0]!;
      await publisher.publish(
        createEvent(
          'CompanyRemoved',
          { integrationId: id },
          { manageId: victim.manageCompanyId, reason: 'deleted' },
        ),
      );
      await waitFor(
        async () =>
          !(await list(id, '&status=pending')).items.some(
            (v) => v.manageCompanyId === victim.manageCompanyId,
          ),
        { what: 'the removed company to leave the pending list' },
      );
    });
  });

  describe('policy auto-create', () => {
    const id = INTEGRATIONS.create;

    it('publishes the unmatched as create and never creates beside an exact match', async () => {
      const stranger: ManageCompany = {
        ...manageCompanies[0]!,
        id: 900_002,
        identifier: 'ZQX900002',
        name: 'Zyxwvut Quorble 4711',
      };
      delete stranger.website;
      await fetchAll(id, [...manageCompanies, stranger]);
      const published = matchedFor(id).map((e) => e.payload);
      expect(published.find((p) => p.manageCompanyId === stranger.id)).toMatchObject({
        decision: 'create',
        decidedBy: 'policy:auto-create',
      });
      const created = new Set(published.filter((p) => p.decision === 'create').map((p) => p.manageCompanyId));
      for (const company of uniqueExact) expect(created).not.toContain(company.id);
      for (const company of uniqueExact) {
        expect(published.find((p) => p.manageCompanyId === company.id)).toMatchObject({ decision: 'link' });
      }
      const deleted = manageCompanies.filter((m) => m.deleted).map((m) => m.id);
      for (const manageCompanyId of deleted) {
        expect(published.map((p) => p.manageCompanyId)).not.toContain(manageCompanyId);
      }
    });
  });
});
