/**
 * The product end to end: the five services as real processes, the real Kafka broker and FerretDB, a
 * Manage simulator with the small sample dataset and one Hudu simulator per integration (all integrations
 * share the same services: the deployment is multi-tenant). Each scenario compares Hudu's final state with
 * the expectation computed from the dataset alone (libs/shared/sample-data expectedHuduState).
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
  type SyncContext,
  waitForIdlePipeline,
} from './lib/sync';
import { until } from './lib/processes';

const SCENARIO_MS = 240_000;
const dataset = manageDataset({ size: 'small', seed: 1 });
let env: PipelineEnvironment;
let manage: ManageSimulatorHandle;

beforeAll(async () => {
  env = await startPipeline({
    workspace: path.resolve(__dirname, '../../..'),
    tag: `e2e-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`,
    kafkaBrokers: process.env['KAFKA_BROKERS']!,
    mongoUrl: process.env['MONGO_URL']!,
  });
  manage = await startManageSimulator(env.group, 'manage-simulator', { size: 'small', seed: '1' });
}, SCENARIO_MS);

afterAll(async () => {
  await env?.stop();
});

interface Scenario {
  options?: Record<string, unknown>;
  strategy?: ReviewStrategy;
  manage?: ManageSimulatorHandle;
}

async function syncScenario(id: string, scenario: Scenario = {}) {
  const hudu = await startHuduSimulator(env.group, `hudu-${id}`, '1', dataset);
  await createIntegration(env, id, scenario.manage ?? manage, hudu, scenario.options ?? {});
  const runId = await requestSync(env, id, 'full');
  const context: SyncContext = {
    env,
    integrationId: id,
    runId,
    hudu,
    dataset,
    deadline: Date.now() + SCENARIO_MS - 20_000,
  };
  const decisions = await decideRemainingMatches(context, scenario.strategy ?? confirmOrCreate);
  await waitForIdlePipeline(context);
  return { context, decisions, hudu };
}

async function expectHuduAsExpected(context: SyncContext, options: ExpectedSyncOptions = {}) {
  const { problems } = await compareWithExpected(context, options);
  expect(problems).toEqual([]);
}

describe('the pipeline end to end', () => {
  it(
    'review policy: nothing company-specific is imported until the admin decides; then Hudu is as expected',
    async () => {
      const hudu = await startHuduSimulator(env.group, 'hudu-review', '1', dataset);
      const before = await huduState(hudu);
      await createIntegration(env, 'review', manage, hudu, {});
      const runId = await requestSync(env, 'review', 'full');
      const context: SyncContext = {
        env,
        integrationId: 'review',
        runId,
        hudu,
        dataset,
        deadline: Date.now() + 200_000,
      };
      await until(
        'the fetch to finish with every company pending',
        async () => {
          const run = await getRun(context);
          return (
            run.stage !== 'requested' &&
            run.stage !== 'fetching' &&
            (await pendingMatches(context)).length > 0
          );
        },
        120_000,
      );
      await waitForIdlePipeline(context);
      const untouched = await huduState(hudu);
      expect(untouched.assets.length).toBe(before.assets.length);
      expect(untouched.companies.length).toBe(before.companies.length);

      await decideRemainingMatches(context);
      await waitForIdlePipeline(context);
      await expectHuduAsExpected(context);
    },
    SCENARIO_MS,
  );

  it(
    'auto-exact: unique exact matches are confirmed automatically, the rest by the admin',
    async () => {
      const { context, decisions } = await syncScenario('auto-exact', {
        options: { matchPolicy: 'auto-exact' },
      });
      await expectHuduAsExpected(context);
      expect(decisions.link + decisions.create).toBeLessThan(dataset.companies.length);
    },
    SCENARIO_MS,
  );

  it(
    'auto-create: unmatched companies are created without review',
    async () => {
      const { context, decisions } = await syncScenario('auto-create', {
        options: { matchPolicy: 'auto-create' },
      });
      await expectHuduAsExpected(context);
      expect(decisions.create).toBe(0);
    },
    SCENARIO_MS,
  );

  it(
    'inactive companies arrive archived by default, and not at all when skipped',
    async () => {
      const archived = await syncScenario('inactive-archived', { options: { matchPolicy: 'auto-create' } });
      await expectHuduAsExpected(archived.context);
      const skipped = await syncScenario('inactive-skipped', {
        options: { matchPolicy: 'auto-create', skipInactiveCompanies: true },
      });
      await expectHuduAsExpected(skipped.context, { skipInactiveCompanies: true });
    },
    SCENARIO_MS,
  );

  it(
    'skips contacts, configurations, and chosen configuration types',
    async () => {
      const typeId = dataset.configurationTypes[0]!.id;
      const contacts = await syncScenario('skip-contacts', {
        options: { matchPolicy: 'auto-create', skipContacts: true },
      });
      await expectHuduAsExpected(contacts.context, { skipContacts: true });
      const configurations = await syncScenario('skip-configurations', {
        options: { matchPolicy: 'auto-create', skipConfigurations: true },
      });
      await expectHuduAsExpected(configurations.context, { skipConfigurations: true });
      const types = await syncScenario('skip-types', {
        options: { matchPolicy: 'auto-create', skippedConfigurationTypeIds: [typeId] },
      });
      await expectHuduAsExpected(types.context, { skippedConfigurationTypeIds: [typeId] });
    },
    SCENARIO_MS * 2,
  );

  it(
    'a missing or inactive layout blocks that kind, names the layout, and everything else is imported',
    async () => {
      const missing = await syncScenario('layout-missing', {
        options: { matchPolicy: 'auto-create', configurationLayout: 'No Such Layout' },
      });
      await expectHuduAsExpected(missing.context, { blockedKinds: ['configuration'] });
      expect(JSON.stringify((await getRun(missing.context)).errors)).toContain('No Such Layout');

      const inactive = await syncScenario('layout-inactive', {
        options: { matchPolicy: 'auto-create', contactLayout: HUDU_SEED_LAYOUTS.inactive },
      });
      await expectHuduAsExpected(inactive.context, { blockedKinds: ['contact'] });
      expect(JSON.stringify((await getRun(inactive.context)).errors)).toContain(HUDU_SEED_LAYOUTS.inactive);
    },
    SCENARIO_MS,
  );

  it(
    'creating a company whose name Hudu already has follows the clash rule instead of failing or merging',
    async () => {
      const createAll: ReviewStrategy = () => ({ decision: 'create' });
      const { context } = await syncScenario('name-clash', { strategy: createAll });
      await expectHuduAsExpected(context);
      const state = await huduState(context.hudu);
      const names = state.companies.map((c) => c.name.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
    },
    SCENARIO_MS,
  );

  it(
    'a re-sync with nothing changed makes 0 Hudu writes; one changed configuration makes exactly 1',
    async () => {
      const own = await startManageSimulator(env.group, 'manage-changes', { size: 'small', seed: '1' });
      const { context } = await syncScenario('changes', {
        options: { matchPolicy: 'auto-create' },
        manage: own,
      });
      await expectHuduAsExpected(context);

      const before = await huduRequests(context.hudu);
      const second = { ...context, runId: await requestSync(env, 'changes', 'full') };
      await decideRemainingMatches(second);
      await waitForIdlePipeline(second);
      const afterNoChange = await huduRequests(context.hudu);
      expect(afterNoChange.writes - before.writes).toBe(0);

      const configuration = [...dataset.configurations()].find(
        (c) => !dataset.companies.find((co) => co.id === c.company.id)?.deletedFlag,
      )!;
      const response = await fetch(`${own.url}/_sim/configurations/${configuration.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serialNumber: `CHANGED-${Date.now()}` }),
      });
      expect(response.ok).toBe(true);
      const third = { ...context, runId: await requestSync(env, 'changes', 'full') };
      await decideRemainingMatches(third);
      await waitForIdlePipeline(third);
      const afterOneChange = await huduRequests(context.hudu);
      expect(afterOneChange.writes - afterNoChange.writes).toBe(1);
    },
    SCENARIO_MS,
  );
});
