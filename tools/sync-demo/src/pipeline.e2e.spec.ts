/**
 * The product end to end: the five services as real processes, the real Kafka broker and FerretDB, a
 * Manage simulator with the small sample dataset and one Hudu simulator per integration. All scenarios
 * are integrations of ONE deployment, synced at the same time (it is multi-tenant), and each one's Hudu
 * ends up compared with the expectation computed from the dataset alone (sample-data expectedHuduState).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { HUDU_SEED_LAYOUTS, manageDataset, type ExpectedSyncOptions } from '@cw-hudu-sync/sample-data';
import {
  type ManageSimulatorHandle,
  type PipelineEnvironment,
  startHuduSimulator,
  startManageSimulator,
  startPipeline,
} from './lib/environment';
import { until } from './lib/processes';
import {
  compareWithExpected,
  confirmOrCreate,
  createIntegration,
  decideRemainingMatches,
  getRun,
  huduRequests,
  huduState,
  pendingMatches,
  requestSync,
  type ReviewStrategy,
  type RunView,
  type SyncContext,
  waitForIdlePipeline,
} from './lib/sync';

const SETUP_MS = 900_000;
const dataset = manageDataset({ size: 'small', seed: 1 });
const typeId = dataset.configurationTypes[0]!.id;
const createAll: ReviewStrategy = () => ({ decision: 'create' });

interface Scenario {
  options: Record<string, unknown>;
  expected: ExpectedSyncOptions;
  strategy?: ReviewStrategy;
}

/**
 * Every scenario is an integration of its own, synced concurrently through the same services. Options
 * that do not interfere share an integration, to keep the suite's load within a 2-core machine.
 */
const SCENARIOS: Record<string, Scenario> = {
  'auto-exact': { options: { matchPolicy: 'auto-exact' }, expected: {} },
  'auto-create': { options: { matchPolicy: 'auto-create' }, expected: {} },
  skips: {
    options: {
      matchPolicy: 'auto-create',
      skipInactiveCompanies: true,
      skipContacts: true,
      skippedConfigurationTypeIds: [typeId],
    },
    expected: { skipInactiveCompanies: true, skipContacts: true, skippedConfigurationTypeIds: [typeId] },
  },
  layouts: {
    options: {
      matchPolicy: 'auto-create',
      configurationLayout: 'No Such Layout',
      contactLayout: HUDU_SEED_LAYOUTS.inactive,
    },
    expected: { blockedKinds: ['configuration', 'contact'] },
  },
  'name-clash': {
    options: { skipConfigurations: true },
    expected: { skipConfigurations: true },
    strategy: createAll,
  },
};

interface Outcome {
  context: SyncContext;
  problems: string[];
  run: RunView;
  decisions: { link: number; create: number; ignore: number };
}

let env: PipelineEnvironment;
let manage: ManageSimulatorHandle;
const outcomes = new Map<string, Outcome>();
let review: {
  before: { companies: number; assets: number };
  untouched: { companies: number; assets: number };
  outcome: Outcome;
};

async function prepare(id: string, options: Record<string, unknown>): Promise<SyncContext> {
  const hudu = await startHuduSimulator(env.group, `hudu-${id}`, '1', dataset);
  const initialHudu = await huduState(hudu);
  await createIntegration(env, id, manage, hudu, options);
  const runId = await requestSync(env, id, 'full');
  return {
    env,
    integrationId: id,
    runId,
    hudu,
    initialHudu,
    dataset,
    deadline: Date.now() + SETUP_MS - 60_000,
  };
}

async function finish(
  context: SyncContext,
  expected: ExpectedSyncOptions,
  strategy: ReviewStrategy = confirmOrCreate,
) {
  const decisions = await decideRemainingMatches(context, strategy);
  await waitForIdlePipeline(context);
  const { problems } = await compareWithExpected(context, expected);
  return { context, problems, decisions, run: await getRun(context) };
}

/** Review policy: the fetch finishes with every company pending and Hudu untouched; then the admin decides. */
async function reviewScenario() {
  const context = await prepare('review', {});
  const count = async () => {
    const state = await huduState(context.hudu);
    return { companies: state.companies.length, assets: state.assets.length };
  };
  const before = await count();
  await until(
    'the review fetch to finish with companies pending',
    async () => {
      const run = await getRun(context);
      return (
        run.stage !== 'requested' && run.stage !== 'fetching' && (await pendingMatches(context)).length > 0
      );
    },
    SETUP_MS / 2,
  );
  const untouched = await count();
  return { before, untouched, outcome: await finish(context, {}) };
}

beforeAll(async () => {
  env = await startPipeline({
    workspace: path.resolve(__dirname, '../../..'),
    tag: `e2e-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`,
    kafkaBrokers: process.env['KAFKA_BROKERS']!,
    mongoUrl: process.env['MONGO_URL']!,
  });
  manage = await startManageSimulator(env.group, 'manage-simulator', { size: 'small', seed: '1' });
  const runs = Object.entries(SCENARIOS).map(async ([id, scenario]) => {
    const context = await prepare(id, scenario.options);
    outcomes.set(id, await finish(context, scenario.expected, scenario.strategy));
  });
  const [reviewed] = await Promise.all([reviewScenario(), ...runs]);
  review = reviewed;
}, SETUP_MS);

afterAll(async () => {
  await env?.stop();
});

const outcome = (id: string) => {
  const found = outcomes.get(id);
  if (!found) throw new Error(`scenario ${id} did not run`);
  return found;
};

describe('the pipeline end to end (multi-tenant, real services, Kafka and FerretDB)', () => {
  it('review policy: nothing is imported before the admin decides; afterwards Hudu is as expected', () => {
    expect(review.untouched).toEqual(review.before);
    expect(review.outcome.problems).toEqual([]);
    expect(review.outcome.decisions.link + review.outcome.decisions.create).toBeGreaterThan(0);
  });

  it('auto-exact: unique exact matches are confirmed by the policy, the rest by the admin', () => {
    const { problems, decisions, run } = outcome('auto-exact');
    expect(problems).toEqual([]);
    expect(run.counts['company']?.['matched']).toBeGreaterThan(0);
    expect(decisions.link + decisions.create).toBeLessThan(dataset.companies.length);
  });

  it('auto-create: companies without a candidate are created without review', () => {
    const { problems, decisions } = outcome('auto-create');
    expect(problems).toEqual([]);
    expect(decisions.create).toBeLessThan(outcome('name-clash').decisions.create);
  });

  it('inactive companies arrive archived by default; skipped inactive companies, contacts and types stay out', () => {
    expect(outcome('auto-create').problems).toEqual([]); // the oracle expects the inactive ones archived
    expect(outcome('skips').problems).toEqual([]);
  });

  it('a missing and an inactive layout block their kind, each named; the companies are still imported', () => {
    const { problems, run } = outcome('layouts');
    expect(problems).toEqual([]);
    expect(JSON.stringify(run.errors)).toContain('No Such Layout');
    expect(JSON.stringify(run.errors)).toContain(HUDU_SEED_LAYOUTS.inactive);
  });

  it('creating companies whose names Hudu already has follows the clash rule (configurations skipped here)', async () => {
    const { problems, context } = outcome('name-clash');
    expect(problems).toEqual([]);
    const names = (await huduState(context.hudu)).companies.map((c) => c.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it('a re-sync with nothing changed makes 0 Hudu writes; one changed configuration makes exactly 1', async () => {
    const own = await startManageSimulator(env.group, 'manage-changes', { size: 'small', seed: '1' });
    const hudu = await startHuduSimulator(env.group, 'hudu-changes', '1', dataset);
    const initialHudu = await huduState(hudu);
    await createIntegration(env, 'changes', own, hudu, { matchPolicy: 'auto-create' });
    const base = {
      env,
      integrationId: 'changes',
      hudu,
      initialHudu,
      dataset,
      deadline: Date.now() + 280_000,
    };
    const first = await finish({ ...base, runId: await requestSync(env, 'changes') }, {});
    expect(first.problems).toEqual([]);

    const before = await huduRequests(hudu);
    await finish({ ...base, runId: await requestSync(env, 'changes') }, {});
    const afterNoChange = await huduRequests(hudu);
    expect(afterNoChange.writes - before.writes).toBe(0);

    const live = new Set(dataset.companies.filter((c) => !c.deletedFlag).map((c) => c.id));
    const configuration = [...dataset.configurations()].find((c) => live.has(c.company.id))!;
    const response = await fetch(`${own.url}/_sim/configurations/${configuration.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serialNumber: `CHANGED-${configuration.id}` }),
    });
    expect(response.ok).toBe(true);
    await finish({ ...base, runId: await requestSync(env, 'changes') }, {});
    const afterOneChange = await huduRequests(hudu);
    expect(afterOneChange.writes - afterNoChange.writes).toBe(1);
  }, 300_000);
});
