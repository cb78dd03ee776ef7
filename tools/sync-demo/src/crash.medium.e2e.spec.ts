/**
 * Killing the importer in the middle of a medium sync (SIGKILL: no shutdown hook, offsets of the batch in
 * hand uncommitted, Hudu writes possibly done without their links recorded) and starting it again ends
 * with Hudu exactly as the dataset says: no duplicate, no missing record.
 *
 * The five services run as real processes against the real Kafka broker and FerretDB; Manage and Hudu are
 * the simulators with the medium dataset (500 companies, 10,000 configurations, 4,000 contacts).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expectedHuduState, manageDataset } from '@cw-hudu-sync/sample-data';
import {
  type PipelineEnvironment,
  startHuduSimulator,
  startManageSimulator,
  startPipeline,
} from './lib/environment';
import { until } from './lib/processes';
import {
  compareWithExpected,
  createIntegration,
  decideRemainingMatches,
  getRun,
  huduRequests,
  huduState,
  requestSync,
  waitForIdlePipeline,
} from './lib/sync';

const TIMEOUT_MS = 1_500_000;
const dataset = manageDataset({ size: 'medium', seed: 1 });
/** Kill once the importer has written this share of the Hudu records it will create. */
const KILL_AT_SHARE = 0.3;

let env: PipelineEnvironment;

beforeAll(async () => {
  env = await startPipeline({
    workspace: path.resolve(__dirname, '../../..'),
    tag: `crash-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`,
    kafkaBrokers: process.env['KAFKA_BROKERS']!,
    mongoUrl: process.env['MONGO_URL']!,
  });
}, 180_000);

afterAll(async () => {
  await env?.stop();
});

describe('the importer killed in the middle of a medium sync', () => {
  it(
    'resumes after a restart with no duplicate and no missing record',
    async () => {
      const manage = await startManageSimulator(env.group, 'manage-medium', { size: 'medium', seed: '1' });
      const hudu = await startHuduSimulator(env.group, 'hudu-medium', '1', dataset);
      const initialHudu = await huduState(hudu);
      // Unthrottled: the test is about the crash, not Hudu's rate limit (the simulator's is off too).
      await createIntegration(env, 'crash', manage, hudu, {
        matchPolicy: 'auto-create',
        huduRequestsPerMinute: 100_000,
      });
      const context = {
        env,
        integrationId: 'crash',
        runId: await requestSync(env, 'crash', 'full'),
        hudu,
        initialHudu,
        dataset,
        deadline: Date.now() + TIMEOUT_MS - 60_000,
      };

      const expectedAssets = expectedHuduState(dataset).reduce(
        (sum, company) => sum + company.configurations.length + company.contacts.length,
        0,
      );
      const killAt = Math.round(expectedAssets * KILL_AT_SHARE);
      await until(
        `the importer to write ${killAt} records to Hudu`,
        async () => (await huduRequests(hudu)).writes >= killAt,
        TIMEOUT_MS / 2,
        100,
      );
      await env.group.kill('importer', 'SIGKILL');
      const writesAtKill = (await huduRequests(hudu)).writes;
      await env.restart('importer');

      await decideRemainingMatches(context);
      await waitForIdlePipeline(context, 3_000);

      // Each company's live assets are exactly the expected names (none missing, no duplicate)…
      const { problems } = await compareWithExpected(context);
      expect(problems).toEqual([]);
      // …and no asset this sync created was archived out of sight (a duplicate hidden as archived).
      const before = new Set(initialHudu.assets.map((a) => a.id));
      const archived = (await huduState(hudu)).assets.filter((a) => !before.has(a.id) && a.archived);
      expect(archived).toEqual([]);
      const final = await huduRequests(hudu);
      expect(writesAtKill).toBeLessThan(final.writes); // the kill was in the middle, not after the end
      const run = await getRun(context);
      expect(run.stage).not.toBe('failed');
    },
    TIMEOUT_MS,
  );
});
