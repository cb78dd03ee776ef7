import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { sampleSum } from './exposition';
import { type RunningServices, type ServiceName, startServices } from './services';

/**
 * The facts the libraries publish reach the metrics in the real services: the five built services and
 * both simulators as processes, an integration saved through the admin API (its preflight calls Manage
 * and Hudu), a full sync; then each service's /metrics must show samples, not just declarations.
 */
describe('metrics wiring in the running services', () => {
  const workspace = path.resolve(__dirname, '../../../..');
  let services: RunningServices;
  const integrationId = `mon-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    services = await startServices({
      workspace,
      kafkaBrokers: process.env['KAFKA_BROKERS'] ?? '',
      mongoUrl: process.env['MONGO_URL'] ?? '',
      tag: `monw${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
      withSimulators: true,
      timeoutMs: 180_000,
    });
  }, 400_000);

  afterAll(async () => {
    await services?.stop();
  });

  const admin = async (method: string, url: string, body: unknown) => {
    const response = await fetch(`http://127.0.0.1:${services.ports.admin}${url}`, {
      method,
      headers: { authorization: `Bearer ${services.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };

  /** Waits until `check` finds what it wants in the service's scrape; fails naming what is missing. */
  const eventually = async (service: ServiceName, what: string, check: (text: string) => boolean) => {
    const deadline = Date.now() + 240_000;
    let text = '';
    while (Date.now() < deadline) {
      text = await (await fetch(`http://127.0.0.1:${services.ports[service]}/metrics`)).text();
      if (check(text)) return text;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(
      `${service} never showed ${what}:\n${text
        .split('\n')
        .filter((l) => l.startsWith('cwhs_'))
        .join('\n')}`,
    );
  };
  const positive = (value: number | undefined) => value !== undefined && value > 0;

  it('counts Manage and Hudu calls of the admin preflight, then the records, syncs, lag and Hudu budget of a sync', async () => {
    const simulators = services.simulators;
    if (!simulators) throw new Error('simulators not started');
    await admin('POST', '/api/integrations', {
      id: integrationId,
      name: 'monitoring wiring',
      manage: {
        siteUrl: simulators.manage.url,
        companyId: simulators.manage.companyId,
        publicKey: simulators.manage.publicKey,
        privateKey: simulators.manage.privateKey,
        clientId: 'cw-hudu-sync-monitoring',
      },
      hudu: { baseUrl: simulators.hudu.url, apiKey: simulators.hudu.apiKey },
      options: {
        matchPolicy: 'auto-create',
        configurationLayout: 'Configurations',
        contactLayout: 'Contacts',
      },
    });
    const preflight = await eventually(
      'admin',
      'Manage and Hudu calls',
      (text) =>
        positive(sampleSum(text, 'cwhs_manage_requests_total', { status: '200' })) &&
        positive(sampleSum(text, 'cwhs_hudu_requests_total', { status: '200' })),
    );
    expect(preflight).toMatch(/cwhs_manage_requests_total\{method="GET",route="\/system\/info",status="200"/);
    expect(positive(sampleSum(preflight, 'cwhs_hudu_budget_wait_seconds_count'))).toBe(true);
    expect(positive(sampleSum(preflight, 'cwhs_manage_request_seconds_count'))).toBe(true);

    await admin('POST', `/api/integrations/${integrationId}/sync`, { mode: 'full' });
    const integration = { integration: integrationId };
    const fetcher = await eventually('fetcher', 'a completed fetch', (text) =>
      positive(sampleSum(text, 'cwhs_last_successful_sync_timestamp_seconds', integration)),
    );
    expect(
      positive(
        sampleSum(fetcher, 'cwhs_records_total', { ...integration, kind: 'company', outcome: 'fetched' }),
      ),
    ).toBe(true);
    expect(
      sampleSum(fetcher, 'cwhs_events_published_by_type_total', { ...integration, type: 'FetchCompleted' }),
    ).toBe(1);
    expect(positive(sampleSum(fetcher, 'cwhs_manage_requests_total', { status: '200' }))).toBe(true);

    // The importer's work in Hudu (companies created by the auto-create policy, then their records).
    const importer = await eventually(
      'importer',
      'Hudu calls and record outcomes',
      (text) =>
        positive(sampleSum(text, 'cwhs_hudu_requests_total')) &&
        positive(sampleSum(text, 'cwhs_records_total', integration)),
    );
    expect(positive(sampleSum(importer, 'cwhs_hudu_budget_wait_seconds_count'))).toBe(true);
    expect(positive(sampleSum(importer, 'cwhs_hudu_request_seconds_count'))).toBe(true);

    // Every consumer's group is measured: samples exist for each pipeline service's group.
    for (const [service, group] of [
      ['fetcher', 'fetcher'],
      ['matcher', 'matcher'],
      ['importer', 'importer'],
      ['link', 'link'],
    ] as const) {
      await eventually(
        service,
        `the lag of its group ${group}`,
        (text) => /cwhs_consumer_lag\{group="[^"]*\.([a-z-]+)"/.test(text) && text.includes(`.${group}",`),
      );
    }
    const matcher = await eventually('matcher', 'companies matched', (text) =>
      positive(
        sampleSum(text, 'cwhs_records_total', { ...integration, kind: 'company', outcome: 'matched' }),
      ),
    );
    expect(positive(sampleSum(matcher, 'cwhs_messages_handled_total', { outcome: 'ok' }))).toBe(true);
  }, 600_000);
});
