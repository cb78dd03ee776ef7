import { expectedHuduState, type ExpectedSyncOptions, type ManageDataset } from '@cw-hudu-sync/sample-data';
import type { HuduSimulatorHandle, ManageSimulatorHandle, PipelineEnvironment } from './environment';
import { pipelineLag } from './lag';
import { until } from './processes';

/** One integration being synced through a pipeline environment. */
export interface SyncContext {
  env: PipelineEnvironment;
  /** Hudu before the first sync: pre-existing companies are not ours to explain. */
  initialHudu?: HuduState;
  integrationId: string;
  runId: string;
  hudu: HuduSimulatorHandle;
  dataset: ManageDataset;
  deadline: number;
}

export interface RunView {
  stage: string;
  counts: Record<string, Record<string, number>>;
  huduCalls: number;
  errors: Array<{ service: string; kind?: string; reason: string }>;
}

export interface MatchCandidate {
  huduCompanyId: number;
  score: number;
  reasons: string[];
  /** Backed only by suggestions (domain, similar name): never confirmed without a look. */
  suggestionOnly: boolean;
}

export interface PendingMatch {
  manageCompanyId: number;
  name: string;
  identifier: string;
  proposal?: { ambiguous: boolean; candidates: MatchCandidate[] };
}

export async function createIntegration(
  env: PipelineEnvironment,
  id: string,
  manage: ManageSimulatorHandle,
  hudu: HuduSimulatorHandle,
  options: Record<string, unknown>,
): Promise<{ preflight?: unknown }> {
  return env.admin.call('POST', '/api/integrations', {
    id,
    name: `${id} (simulators)`,
    manage: {
      siteUrl: manage.url,
      companyId: manage.companyId,
      publicKey: manage.publicKey,
      privateKey: manage.privateKey,
      clientId: 'cw-hudu-sync-demo',
    },
    hudu: { baseUrl: hudu.url, apiKey: hudu.apiKey },
    options,
  });
}

export async function requestSync(
  env: PipelineEnvironment,
  integrationId: string,
  mode: 'full' | 'incremental' = 'full',
) {
  const { runId } = await env.admin.call<{ runId: string }>(
    'POST',
    `/api/integrations/${integrationId}/sync`,
    { mode },
  );
  return runId;
}

const remaining = (context: SyncContext) => Math.max(1_000, context.deadline - Date.now());

export async function getRun(context: Pick<SyncContext, 'env' | 'runId'>): Promise<RunView> {
  return context.env.admin.call<RunView>('GET', `/api/runs/${context.runId}`);
}

export async function pendingMatches(
  context: Pick<SyncContext, 'env' | 'integrationId'>,
): Promise<PendingMatch[]> {
  const body = await context.env.matcher.call<
    { matches?: PendingMatch[]; items?: PendingMatch[] } | PendingMatch[]
  >('GET', `/api/integrations/${context.integrationId}/matches?status=pending&limit=500`);
  return Array.isArray(body) ? body : (body.matches ?? body.items ?? []);
}

/** How the simulated admin answers the review list. */
export type ReviewStrategy = (
  match: PendingMatch,
) => { decision: 'link'; huduCompanyId: number } | { decision: 'create' } | { decision: 'ignore' };

/**
 * What an admin does with the review list: confirm the best candidate when it rests on more than a
 * suggestion (an existing link, the id number, the exact normalised name) and nothing makes it ambiguous
 * (another company claiming the same Hudu company, duplicate names); otherwise create a new company.
 */
export const confirmOrCreate: ReviewStrategy = (match) => {
  const best = match.proposal?.candidates[0];
  return best && !best.suggestionOnly
    ? { decision: 'link', huduCompanyId: best.huduCompanyId }
    : { decision: 'create' };
};

/** Stage two of matching: answer every pending proposal until the fetch is over and nothing is pending. */
export async function decideRemainingMatches(
  context: SyncContext,
  strategy: ReviewStrategy = confirmOrCreate,
) {
  const decisions = { link: 0, create: 0, ignore: 0 };
  await until(
    'the fetch to finish and every match to be decided',
    async () => {
      const run = await getRun(context);
      if (run.stage === 'failed')
        throw new Error(`the run failed: ${JSON.stringify(run.errors.slice(0, 3))}`);
      // An admin reviews what the policy left: after the fetch, once the matcher has caught up with it.
      const fetched = run.stage !== 'requested' && run.stage !== 'fetching';
      if (!fetched) return false;
      const lag = await pipelineLag(context.env.kafkaBrokers, context.env.namespace);
      if ((lag['matcher'] ?? 0) > 0) return false;
      const pending = await pendingMatches(context);
      for (const match of pending) {
        const path = `/api/integrations/${context.integrationId}/matches/${match.manageCompanyId}/decision`;
        let decision = strategy(match);
        try {
          await context.env.matcher.call('POST', path, decision);
        } catch (error) {
          // 409: that Hudu company is already linked to another Manage company; 400/422: it is gone or was
          // archived since it was proposed (the sync archives inactive companies). An admin creates instead.
          const refused = / (400|409|422):/.test((error as Error).message);
          if (decision.decision !== 'link' || !refused) throw error;
          decision = { decision: 'create' };
          await context.env.matcher.call('POST', path, decision);
        }
        decisions[decision.decision]++;
      }
      return pending.length === 0;
    },
    remaining(context),
    1_000,
  );
  return decisions;
}

export interface HuduCounters {
  total: number;
  writes: number;
}

export async function huduRequests(hudu: HuduSimulatorHandle): Promise<HuduCounters> {
  const response = await fetch(`${hudu.url}/_sim/counters`);
  const body = (await response.json()) as {
    total: number;
    entries: Array<{ method: string; count: number }>;
  };
  const writes = body.entries.filter((e) => e.method !== 'GET').reduce((sum, e) => sum + e.count, 0);
  return { total: body.total, writes };
}

/**
 * Waits until the pipeline is idle: every consumer group has committed everything published so far, for
 * `settleMs` in a row (a handler may publish follow-up events, so one look is not enough).
 */
export async function waitForIdlePipeline(context: SyncContext, settleMs = 2_000): Promise<void> {
  let idleSince: number | undefined;
  await until(
    'every service to finish its work (consumer lag 0)',
    async () => {
      const lag = await pipelineLag(context.env.kafkaBrokers, context.env.namespace);
      const idle = Object.values(lag).every((n) => n === 0);
      if (!idle) idleSince = undefined;
      else idleSince ??= Date.now();
      return idleSince !== undefined && Date.now() - idleSince >= settleMs;
    },
    remaining(context),
    500,
  );
}

export interface HuduState {
  companies: Array<{ id: number; name: string; id_number?: string | null; archived: boolean }>;
  assets: Array<{ id: number; company_id: number; asset_layout_id: number; name: string; archived: boolean }>;
}

export async function huduState(hudu: HuduSimulatorHandle): Promise<HuduState> {
  return (await (await fetch(`${hudu.url}/_sim/state`)).json()) as HuduState;
}

/** Differences between Hudu and the oracle's expectation (empty when they agree). */
export async function compareWithExpected(context: SyncContext, options: ExpectedSyncOptions = {}) {
  const state = await huduState(context.hudu);
  const expected = expectedHuduState(context.dataset, options);
  const byIdNumber = new Map(state.companies.filter((c) => c.id_number).map((c) => [c.id_number, c]));
  const problems: string[] = [];
  let assets = 0;
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
    assets += want.length;
    if (JSON.stringify(names) !== JSON.stringify(want)) {
      problems.push(`${company.identifier}: ${names.length} assets in Hudu, ${want.length} expected`);
    }
  }
  const expectedIdentifiers = new Set(expected.map((c) => c.identifier));
  const preExisting = new Set((context.initialHudu?.companies ?? []).map((c) => c.id));
  const extra = state.companies.filter(
    (c) => c.id_number && !expectedIdentifiers.has(c.id_number) && !c.archived && !preExisting.has(c.id),
  );
  for (const company of extra) problems.push(`unexpected company ${company.name} (${company.id_number})`);
  const duplicates = state.companies.length - new Set(state.companies.map((c) => c.name.toLowerCase())).size;
  if (duplicates > 0) problems.push(`${duplicates} duplicate company names`);
  return { problems, companies: expected.length, assets };
}
