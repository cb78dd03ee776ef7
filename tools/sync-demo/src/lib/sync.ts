import { expectedHuduState, type ManageDataset } from '@cw-hudu-sync/sample-data';
import type { Api } from './api';
import { until } from './processes';

export interface DemoContext {
  integrationId: string;
  runId: string;
  admin: Api;
  matcher: Api;
  link: Api;
  huduUrl: string;
  linkUrl: string;
  dataset: ManageDataset;
  preflight: unknown;
  deadline: number;
}

interface RunView {
  stage: string;
  counts: Record<string, Record<string, number>>;
  huduCalls: number;
  errors: Array<{ service: string; kind?: string; reason: string }>;
}

interface PendingMatch {
  manageCompanyId: number;
  company?: { name?: string };
  candidates?: Array<{ huduCompanyId: number; score?: number; reasons?: string[] }>;
  ambiguous?: boolean;
}

const STRONG_REASONS = new Set(['existing-link', 'id-number', 'exact-name', 'domain']);
const remaining = (context: DemoContext) => Math.max(1_000, context.deadline - Date.now());

export async function getRun(context: DemoContext): Promise<RunView> {
  return context.admin.call<RunView>('GET', `/api/runs/${context.runId}`);
}

async function pendingMatches(context: DemoContext): Promise<PendingMatch[]> {
  const body = await context.matcher.call<
    { matches?: PendingMatch[]; items?: PendingMatch[] } | PendingMatch[]
  >('GET', `/api/integrations/${context.integrationId}/matches?status=pending&limit=500`);
  return Array.isArray(body) ? body : (body.matches ?? body.items ?? []);
}

/**
 * Stage two of matching, the way an admin works through the review list: a proposal backed by a strong
 * reason (link, id number, exact name, domain) is confirmed; a company with only weak suggestions or none
 * gets a new Hudu company. Repeats until the fetch is over and nothing is pending.
 */
export async function decideRemainingMatches(context: DemoContext) {
  const decisions = { confirmed: 0, created: 0 };
  await until(
    'the fetch to finish and every match to be decided',
    async () => {
      const run = await getRun(context);
      if (run.stage === 'failed')
        throw new Error(`the run failed: ${JSON.stringify(run.errors.slice(0, 3))}`);
      const pending = await pendingMatches(context);
      for (const match of pending) {
        const best = match.candidates?.[0];
        const strong = best?.reasons?.some((r) => STRONG_REASONS.has(r));
        const path = `/api/integrations/${context.integrationId}/matches/${match.manageCompanyId}/decision`;
        if (best && strong) {
          await context.matcher.call('POST', path, { decision: 'link', huduCompanyId: best.huduCompanyId });
          decisions.confirmed++;
        } else {
          await context.matcher.call('POST', path, { decision: 'create' });
          decisions.created++;
        }
      }
      const fetched = run.stage !== 'requested' && run.stage !== 'fetching';
      return fetched && pending.length === 0;
    },
    remaining(context),
    1_000,
  );
  return decisions;
}

async function huduRequests(context: DemoContext): Promise<{ total: number; writes: number }> {
  const response = await fetch(`${context.huduUrl}/_sim/counters`);
  const body = (await response.json()) as
    { counters?: Array<{ method: string; count: number }> } | Array<{ method: string; count: number }>;
  const rows = Array.isArray(body) ? body : (body.counters ?? []);
  let total = 0;
  let writes = 0;
  for (const row of rows) {
    total += row.count;
    if (row.method !== 'GET') writes += row.count;
  }
  return { total, writes };
}

/** Waits until Hudu stops receiving requests for a few seconds: everything in flight has landed. */
export async function waitForQuietPipeline(context: DemoContext): Promise<void> {
  let last = -1;
  let quietSince = Date.now();
  await until(
    'the pipeline to settle (no Hudu request for 4 s)',
    async () => {
      const { total } = await huduRequests(context);
      if (total !== last) {
        last = total;
        quietSince = Date.now();
      }
      return Date.now() - quietSince >= 4_000;
    },
    remaining(context),
    500,
  );
}

interface HuduState {
  companies: Array<{ id: number; name: string; id_number?: string | null; archived: boolean }>;
  assets: Array<{ id: number; company_id: number; asset_layout_id: number; name: string; archived: boolean }>;
}

/** Prints the run's counts, the Hudu calls, the time, a working jump URL, and the check against the oracle. */
export async function printSummary(
  context: DemoContext,
  decisions: { confirmed: number; created: number },
  durationMs: number,
  logDir: string,
): Promise<boolean> {
  const run = await getRun(context);
  const calls = await huduRequests(context);
  const state = (await (await fetch(`${context.huduUrl}/_sim/state`)).json()) as HuduState;

  // The oracle: what Hudu should hold, from the dataset alone.
  const expected = expectedHuduState(context.dataset);
  const byIdNumber = new Map(state.companies.filter((c) => c.id_number).map((c) => [c.id_number, c]));
  const problems: string[] = [];
  let assetsExpected = 0;
  let assetsFound = 0;
  for (const company of expected) {
    const hudu = byIdNumber.get(company.identifier);
    if (!hudu) {
      problems.push(`missing company ${company.name} (${company.identifier})`);
      continue;
    }
    if (hudu.archived !== company.archived) problems.push(`${company.identifier}: archived=${hudu.archived}`);
    const names = state.assets
      .filter((a) => a.company_id === hudu.id && !a.archived)
      .map((a) => a.name)
      .sort();
    const want = [...company.configurations, ...company.contacts].map((a) => a.name).sort();
    assetsExpected += want.length;
    assetsFound += names.length;
    if (JSON.stringify(names) !== JSON.stringify(want)) {
      problems.push(`${company.identifier}: ${names.length} assets in Hudu, ${want.length} expected`);
    }
  }

  const jumpCompany = expected.find((c) => !c.archived) ?? expected[0];
  const jumpUrl = jumpCompany
    ? `${context.linkUrl}/${context.integrationId}/api/v1/companies/jump?integration_id=${jumpCompany.manageId}&integration_slug=cw_manage`
    : undefined;
  let jumpResult = 'no company to jump to';
  if (jumpUrl) {
    const response = await fetch(jumpUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
    jumpResult = `${response.status} → ${response.headers.get('location') ?? '(no location)'}`;
    if (response.status !== 302) problems.push(`jump answered ${response.status}`);
  }

  const line = (label: string, value: unknown) =>
    process.stdout.write(`  ${label.padEnd(28)} ${String(value)}\n`);
  process.stdout.write('\ncw-hudu-sync — sync summary (embedded default: simulators + sample data)\n\n');
  line(
    'dataset',
    `${context.dataset.size}: ${context.dataset.counts.companies} companies, ${context.dataset.counts.configurations} configurations, ${context.dataset.counts.contacts} contacts`,
  );
  line('run', `${context.runId} (${run.stage})`);
  for (const [kind, outcomes] of Object.entries(run.counts).sort()) {
    line(
      kind,
      Object.entries(outcomes)
        .map(([o, n]) => `${o} ${n}`)
        .join(', '),
    );
  }
  line('matches decided by the admin', `${decisions.confirmed} confirmed, ${decisions.created} created`);
  line('Hudu requests', `${calls.total} (${calls.writes} writes)`);
  line('duration', `${(durationMs / 1000).toFixed(1)} s`);
  line(
    'errors',
    run.errors.length
      ? run.errors
          .slice(0, 5)
          .map((e) => `${e.service}: ${e.reason}`)
          .join(' | ')
      : 'none',
  );
  line(
    'Hudu vs expected',
    problems.length
      ? `${problems.length} differences`
      : `matches (${expected.length} companies, ${assetsExpected} assets)`,
  );
  for (const problem of problems.slice(0, 10)) process.stdout.write(`    - ${problem}\n`);
  line('sample jump URL', jumpUrl ?? '-');
  line('jump answers', jumpResult);
  line(
    'Manage Link to create',
    `System → Setup Tables → Links: name "Hudu", table Company, ${context.linkUrl}/${context.integrationId}/api/v1/companies/jump?integration_id=[companyrecordid]&integration_slug=cw_manage`,
  );
  line('logs', logDir);
  void assetsFound;
  return problems.length === 0;
}
