/**
 * Observability end to end: the five services as real processes (started the way they always are,
 * `node --require dist/apps/<app>/otel.js dist/apps/<app>/main.js`), exporting OTLP/JSON to a receiver
 * owned by this test, a small sync through the real Kafka broker and FerretDB, and then:
 * - one configuration's journey is ONE trace with spans from the fetcher, matcher, importer and link;
 * - log lines inside spans carry that trace's id (a log line leads to its trace);
 * - no log line of any service, and no exported span, contains a secret the run used.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { manageDataset } from '@cw-hudu-sync/sample-data';
import {
  type HuduSimulatorHandle,
  type ManageSimulatorHandle,
  type PipelineEnvironment,
  SERVICES,
  startHuduSimulator,
  startManageSimulator,
  startPipeline,
} from './lib/environment';
import { OtlpReceiver } from './lib/otlp-receiver';
import { until } from './lib/processes';
import { scanFiles, scanText } from './lib/secret-scan';
import { decideRemainingMatches, createIntegration, requestSync, waitForIdlePipeline } from './lib/sync';
import { isCompleteJourney, JOURNEY_SERVICES, type Journey, recordJourneys } from './lib/traces';

/** What the test takes on a quiet 2-core machine is well under this; the hook's limit leaves room for load. */
const BUDGET_MS = 90_000;
const HOOK_LIMIT_MS = 240_000;
const phases: string[] = [];
const integrationId = 'traced';
const dataset = manageDataset({ size: 'small', seed: 1 });
const receiver = new OtlpReceiver();
let env: PipelineEnvironment;
let manage: ManageSimulatorHandle;
let hudu: HuduSimulatorHandle;
let journey: Journey | undefined;

beforeAll(async () => {
  const started = Date.now();
  const phase = (name: string) => phases.push(`${name} +${((Date.now() - started) / 1000).toFixed(1)} s`);
  const otlp = await receiver.start();
  env = await startPipeline({
    workspace: path.resolve(__dirname, '../../..'),
    tag: `trace-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`,
    kafkaBrokers: process.env['KAFKA_BROKERS']!,
    mongoUrl: process.env['MONGO_URL']!,
    extraEnv: {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '500',
      OTEL_BSP_MAX_QUEUE_SIZE: '65536',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
    },
  });
  phase('services ready');
  [manage, hudu] = await Promise.all([
    startManageSimulator(env.group, 'manage-simulator', { size: 'small', seed: '1' }),
    startHuduSimulator(env.group, 'hudu-simulator', '1', dataset),
  ]);
  phase('simulators ready');
  await createIntegration(env, integrationId, manage, hudu, {
    matchPolicy: 'auto-create',
    skipContacts: true,
  });
  const runId = await requestSync(env, integrationId, 'full');
  const context = {
    env,
    integrationId,
    runId,
    hudu,
    dataset,
    deadline: Math.max(started + BUDGET_MS, Date.now() + 60_000),
  };
  await decideRemainingMatches(context);
  await waitForIdlePipeline(context, 1_000);
  phase('sync done');
  // The batch processors export every 500 ms: wait for a complete journey to arrive.
  await until(
    'a configuration journey with spans from all four services',
    async () => {
      journey = recordJourneys(receiver.spans, integrationId, 'configuration').find(isCompleteJourney);
      return journey !== undefined;
    },
    Math.max(10_000, started + BUDGET_MS - 5_000 - Date.now()),
  );
  phase('journey found');
}, HOOK_LIMIT_MS);

afterAll(async () => {
  process.stdout.write(`tracing e2e: ${phases.join(', ')}; ${receiver.spans.length} spans received\n`);
  if (env) fs.writeFileSync(path.join(env.logDir, 'spans.json'), JSON.stringify(receiver.spans));
  await env?.stop();
  await receiver.stop();
});

describe('one record, one trace, logs that follow it, no secrets (five services as processes)', () => {
  it('finds a configuration whose journey is a single trace across fetcher, matcher, importer and link', () => {
    expect(journey).toBeDefined();
    const spans = receiver.spans.filter((s) => s.traceId === journey!.traceId);
    const services = new Set(spans.map((s) => s.service));
    for (const service of JOURNEY_SERVICES) expect(services).toContain(service);

    // One root: the fetcher's publish of the record; every other span's parent is in the same trace.
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => [s.service, s.name.split(' ')[0]])).toEqual([['fetcher', 'publish']]);
    expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId))).toEqual([]);

    // The consumers' spans name the record by ids only.
    const consumed = spans.filter((s) => s.name.startsWith('process '));
    expect(new Set(consumed.map((s) => s.service))).toEqual(new Set(['matcher', 'importer', 'link']));
    for (const span of consumed) {
      expect(span.attributes).toMatchObject({
        'cwhs.integration_id': integrationId,
        'cwhs.record_kind': 'configuration',
        'cwhs.manage_id': journey!.manageId,
      });
      expect(typeof span.attributes['cwhs.run_id']).toBe('string');
    }
  });

  it('shows the importer’s Hudu write in the record’s trace or in the trace its outcome links to', () => {
    // A configuration parked until its company is decided is written to Hudu while the importer handles
    // the company's match: its ConfigImported continues its own trace and links to that handling.
    const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
    const writesToHudu = (traceId: string) =>
      inTrace(traceId).some(
        (s) =>
          s.service === 'importer' &&
          String(s.attributes['url.full'] ?? '').startsWith(hudu.url) &&
          s.attributes['http.request.method'] !== 'GET',
      );
    const complete = recordJourneys(receiver.spans, integrationId, 'configuration').filter(isCompleteJourney);
    const withWrite = complete.find((j) => {
      const outcome = inTrace(j.traceId).find(
        (s) => s.service === 'importer' && s.attributes['cwhs.event_type'] === 'ConfigImported',
      );
      return writesToHudu(j.traceId) || (outcome?.links ?? []).some((l) => writesToHudu(l.traceId));
    });
    expect(withWrite).toBeDefined();
    // The fetcher's Manage calls belong to the run's trace (linked from each record's root).
    expect(
      receiver.spans.some(
        (s) => s.service === 'fetcher' && String(s.attributes['url.full'] ?? '').startsWith(manage.url),
      ),
    ).toBe(true);
    expect(
      receiver.spans.some(
        (s) =>
          s.service === 'importer' &&
          (s.attributes['db.system.name'] ?? s.attributes['db.system']) !== undefined,
      ),
    ).toBe(true);
  });

  it('lets a log line lead to its trace: lines logged inside spans carry trace_id and span_id', () => {
    const traced = new Set(receiver.spans.map((s) => s.traceId));
    const linesWithTrace = SERVICES.flatMap((service) =>
      readLines(env.group.logFile(service)).filter((line) => typeof line['trace_id'] === 'string'),
    );
    expect(linesWithTrace.length).toBeGreaterThan(0);
    for (const line of linesWithTrace) expect(line['span_id']).toMatch(/^[0-9a-f]{16}$/);
    expect(linesWithTrace.some((line) => traced.has(String(line['trace_id'])))).toBe(true);
  });

  it('never writes a secret of the run to any service log line or exported span', () => {
    const secrets = {
      'Manage private key': manage.privateKey,
      'Manage authorization': `${manage.companyId}+${manage.publicKey}:${manage.privateKey}`,
      'Hudu API key': hudu.apiKey,
      'admin token': env.secrets.adminToken,
      'encryption key': env.secrets.encryptionKey,
    };
    const logs = SERVICES.map((service) => env.group.logFile(service));
    const lines = logs.reduce((n, file) => n + readLines(file).length, 0);
    expect(lines).toBeGreaterThan(SERVICES.length); // the services did log: the scan looked at something
    expect(scanFiles(logs, secrets)).toEqual([]);
    expect(scanText(receiver.bodies.join('\n'), secrets, 'exported spans')).toEqual([]);
  });
});

function readLines(file: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}
