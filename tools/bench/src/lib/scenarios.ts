/**
 * The four scenarios of issue #7, each on its own pipeline environment (its own topic namespace and
 * database, fresh simulators), built from tools/sync-demo's helpers (read-only).
 */
import {
  expectedHuduState,
  manageDataset,
  type ManageDataset,
  type ManageDatasetSize,
} from '@cw-hudu-sync/sample-data';
/* eslint-disable @nx/enforce-module-boundaries -- tools/sync-demo's harness, read-only (no alias yet) */
import {
  SERVICES,
  startHuduSimulator,
  startManageSimulator,
  startPipeline,
  type HuduSimulatorHandle,
  type ManageSimulatorHandle,
  type PipelineEnvironment,
} from '../../../sync-demo/src/lib/environment';
import { pipelineLag } from '../../../sync-demo/src/lib/lag';
import { until } from '../../../sync-demo/src/lib/processes';
import {
  compareWithExpected,
  createIntegration,
  decideRemainingMatches,
  huduState,
  requestSync,
  type HuduState,
  type SyncContext,
} from '../../../sync-demo/src/lib/sync';
/* eslint-enable @nx/enforce-module-boundaries */
import { concreteRequest, floorPlan, pool, type FloorIds } from './floor';
import { databaseTimeFrom, topDatabaseTime } from './database-time';
import { childPids, peakRssMiB } from './machine';
import { naiveSync, readManage, type ManageSite } from './naive';
import { ConcurrencyProxy } from './proxy';
import { expectedRecordCount, lostRecords, proportional, spread } from './records';
import type { CallsResult, PhaseCalls, RateLimitedResult, ServiceMemory, ThroughputResult } from './results';
import {
  byRoute,
  diffCounts,
  fixedWindowFloorMs,
  fromHuduCounters,
  fromManageCounters,
  perSecond,
  rateLimitFloorMs,
  ratio,
  tooManyRequestsOf,
  totalOf,
  type HuduCounterSnapshot,
  type RouteCount,
} from './stats';

export interface ScenarioSettings {
  workspace: string;
  kafkaBrokers: string;
  mongoUrl: string;
  size: ManageDatasetSize;
  seed: string;
  /** Absolute time after which waiting gives up. */
  deadline: number;
  log: (line: string) => void;
}

/**
 * The integration's `huduRequestsPerMinute` in the throughput scenario: far above what the unthrottled
 * simulator serves, so the budget never paces the import (an admin would set their Hudu's real limit).
 */
export const UNTHROTTLED_BUDGET_PER_MINUTE = 100_000;

const INTEGRATION = 'bench';

const stamp = () =>
  new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14);

const running = new Set<PipelineEnvironment>();

/** Stops every environment still running (on SIGINT/SIGTERM: no service or simulator is left behind). */
export async function stopAllEnvironments(): Promise<void> {
  await Promise.all([...running].map((env) => env.stop()));
  running.clear();
}

async function environment(settings: ScenarioSettings, scenario: string): Promise<PipelineEnvironment> {
  const env = await startPipeline({
    workspace: settings.workspace,
    tag: `bench-${scenario}-${stamp()}`,
    kafkaBrokers: settings.kafkaBrokers,
    mongoUrl: settings.mongoUrl,
    extraEnv: { LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn' },
  });
  running.add(env);
  const stop = env.stop;
  env.stop = async () => {
    running.delete(env);
    await stop();
  };
  return env;
}

async function huduCounts(hudu: { url: string }): Promise<RouteCount[]> {
  return fromHuduCounters((await (await fetch(`${hudu.url}/_sim/counters`)).json()) as HuduCounterSnapshot);
}

async function manageCounts(manage: { url: string }): Promise<RouteCount[]> {
  return fromManageCounters(
    (await (await fetch(`${manage.url}/_sim/counters`)).json()) as Record<string, number>,
  );
}

/**
 * Waits until every consumer group has committed everything for `settleMs` in a row and returns when
 * that quiet began (the end of the work, to within the polling interval).
 */
async function quietSince(
  env: PipelineEnvironment,
  deadline: number,
  progress?: (line: string) => void,
  settleMs = 3_000,
): Promise<number> {
  let idleSince: number | undefined;
  let reported = Date.now();
  await until(
    'every service to finish its work (consumer lag 0)',
    async () => {
      const lag = await pipelineLag(env.kafkaBrokers, env.namespace);
      const idle = Object.values(lag).every((n) => n === 0);
      if (progress && Date.now() - reported >= 15_000) {
        reported = Date.now();
        progress(`    consumer lag: ${JSON.stringify(lag)}`);
      }
      if (!idle) idleSince = undefined;
      else idleSince ??= Date.now();
      return idleSince !== undefined && Date.now() - idleSince >= settleMs;
    },
    Math.max(1_000, deadline - Date.now()),
    1_000,
  );
  return idleSince ?? Date.now();
}

/** One full sync through the product, the way an admin runs it; returns its duration in ms. */
async function productSync(
  env: PipelineEnvironment,
  hudu: HuduSimulatorHandle,
  dataset: ManageDataset,
  deadline: number,
  initialHudu: HuduState,
  log?: (line: string) => void,
): Promise<{ durationMs: number; context: SyncContext; started: number }> {
  const started = Date.now();
  const runId = await requestSync(env, INTEGRATION, 'full');
  const context: SyncContext = {
    env,
    integrationId: INTEGRATION,
    runId,
    hudu,
    dataset,
    deadline,
    initialHudu,
  };
  await decideRemainingMatches(context);
  const end = await quietSince(env, deadline, log);
  return { durationMs: end - started, context, started };
}

const site = (manage: ManageSimulatorHandle): ManageSite => ({
  url: manage.url,
  companyId: manage.companyId,
  publicKey: manage.publicKey,
  privateKey: manage.privateKey,
  clientId: 'bench-naive',
});

/** Changes to make in Manage: `{resource, id, body}` for the simulator's `PATCH /_sim/:resource/:id`. */
export interface ManageChange {
  resource: 'companies' | 'configurations' | 'contacts';
  id: number;
  body: Record<string, string>;
}

function liveCompanyIds(dataset: ManageDataset) {
  return new Set(dataset.companies.filter((c) => !c.deletedFlag).map((c) => c.id));
}

/** One configuration of a live company gets a new serial number. */
export function oneConfigurationChange(dataset: ManageDataset): ManageChange[] {
  const live = liveCompanyIds(dataset);
  for (const configuration of dataset.configurations()) {
    if (live.has(configuration.company.id))
      return [
        {
          resource: 'configurations',
          id: configuration.id,
          body: { serialNumber: `BENCH-1-${configuration.id}` },
        },
      ];
  }
  return [];
}

/**
 * 1% of all records (companies, configurations, contacts in proportion, of live companies, evenly
 * spread), each with one mapped field changed. The one changed configuration is left out.
 */
export function onePercentChanges(dataset: ManageDataset, exclude: readonly ManageChange[]): ManageChange[] {
  const live = liveCompanyIds(dataset);
  const skip = new Set(exclude.map((c) => `${c.resource}:${c.id}`));
  const companies = dataset.companies.filter((c) => live.has(c.id));
  const configurations = [...dataset.configurations()].filter(
    (c) => live.has(c.company.id) && !skip.has(`configurations:${c.id}`),
  );
  const contacts = [...dataset.contacts()].filter((c) => c.company && live.has(c.company.id));
  const { counts } = dataset;
  const total = Math.round((counts.companies + counts.configurations + counts.contacts) / 100);
  const share = proportional(
    { companies: counts.companies, configurations: counts.configurations, contacts: counts.contacts },
    total,
  );
  return [
    ...spread(companies, share['companies'] ?? 0).map((c): ManageChange => ({
      resource: 'companies',
      id: c.id,
      body: { phoneNumber: `555-01${String(c.id).slice(-2)}-9` },
    })),
    ...spread(configurations, share['configurations'] ?? 0).map((c): ManageChange => ({
      resource: 'configurations',
      id: c.id,
      body: { serialNumber: `BENCH-2-${c.id}` },
    })),
    ...spread(contacts, share['contacts'] ?? 0).map((c): ManageChange => ({
      resource: 'contacts',
      id: c.id,
      body: { title: `Benchmark title ${c.id}` },
    })),
  ];
}

async function applyChanges(manage: ManageSimulatorHandle, changes: readonly ManageChange[]) {
  for (const change of changes) {
    const response = await fetch(`${manage.url}/_sim/${change.resource}/${change.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(change.body),
    });
    if (!response.ok)
      throw new Error(`PATCH /_sim/${change.resource}/${change.id} answered ${response.status}`);
  }
}

const countRecords = (state: { companies: unknown[]; assets: unknown[] }) =>
  state.companies.length + state.assets.length;

/** Scenario 1: Hudu and Manage requests of four syncs, the product and the naive script side by side. */
export async function runCalls(
  settings: ScenarioSettings,
  progress: (partial: CallsResult) => void = () => undefined,
): Promise<CallsResult> {
  const { log } = settings;
  const dataset = manageDataset({ size: settings.size, seed: settings.seed });
  const expected = expectedHuduState(dataset);
  const env = await environment(settings, 'calls');
  try {
    const simulators = { size: settings.size, seed: settings.seed };
    const [manage, manageNaive] = await Promise.all([
      startManageSimulator(env.group, 'manage-product', simulators),
      startManageSimulator(env.group, 'manage-naive', simulators),
    ]);
    const [hudu, huduNaive] = await Promise.all([
      startHuduSimulator(env.group, 'hudu-product', settings.seed, dataset),
      startHuduSimulator(env.group, 'hudu-naive', settings.seed, dataset),
    ]);
    const initialHudu = await huduState(hudu);
    // Calls are counted, not throttled: like the naive script, the product may go as fast as it can (the
    // default 300/min budget would make a medium first import last ~50 minutes without changing a count).
    await createIntegration(env, INTEGRATION, manage, hudu, {
      matchPolicy: 'auto-create',
      huduRequestsPerMinute: UNTHROTTLED_BUDGET_PER_MINUTE,
    });

    const product: PhaseCalls[] = [];
    const naive: PhaseCalls[] = [];
    let naiveFailures = 0;
    const recordsCreated = { product: 0, naive: 0 };
    let lastContext: SyncContext | undefined;

    const productPhase = async (name: PhaseCalls['phase'], changes: readonly ManageChange[]) => {
      const before = { hudu: await huduCounts(hudu), manage: await manageCounts(manage) };
      const stateBefore = name === 'first-import' ? countRecords(await huduState(hudu)) : 0;
      const { durationMs, context } = await productSync(
        env,
        hudu,
        dataset,
        settings.deadline,
        initialHudu,
        log,
      );
      lastContext = context;
      const p: PhaseCalls = {
        phase: name,
        changedRecords: changes.length,
        durationMs,
        hudu: diffCounts(before.hudu, await huduCounts(hudu)),
        manage: diffCounts(before.manage, await manageCounts(manage)),
      };
      product.push(p);
      if (name === 'first-import') recordsCreated.product = countRecords(await huduState(hudu)) - stateBefore;
      log(`  cw-hudu-sync ${name}: ${totalOf(p.hudu)} Hudu calls, ${(durationMs / 1000).toFixed(1)} s`);
    };

    const naivePhase = async (name: PhaseCalls['phase'], changes: readonly ManageChange[]) => {
      const naiveBefore = { hudu: await huduCounts(huduNaive), manage: await manageCounts(manageNaive) };
      const naiveStateBefore = name === 'first-import' ? countRecords(await huduState(huduNaive)) : 0;
      const started = Date.now();
      const outcome = await naiveSync(await readManage(site(manageNaive)), {
        url: huduNaive.url,
        apiKey: huduNaive.apiKey,
      });
      const n: PhaseCalls = {
        phase: name,
        changedRecords: changes.length,
        durationMs: Date.now() - started,
        hudu: diffCounts(naiveBefore.hudu, await huduCounts(huduNaive)),
        manage: diffCounts(naiveBefore.manage, await manageCounts(manageNaive)),
      };
      naive.push(n);
      naiveFailures += outcome.failures;
      if (name === 'first-import')
        recordsCreated.naive = countRecords(await huduState(huduNaive)) - naiveStateBefore;
      log(`  naive        ${name}: ${totalOf(n.hudu)} Hudu calls, ${(n.durationMs / 1000).toFixed(1)} s`);
    };

    /**
     * One phase: the same changes in both Manage simulators, then the product and the naive script at
     * the same time, each on its own simulators (the product mostly waits for its Hudu request budget).
     */
    const partial = (problems: string[]): CallsResult => ({
      size: settings.size,
      recordsExpected: expectedRecordCount(expected),
      recordsCreated,
      product,
      naive,
      productProblems: problems,
      naiveFailures,
    });
    const phase = async (name: PhaseCalls['phase'], changes: readonly ManageChange[]) => {
      await applyChanges(manage, changes);
      await applyChanges(manageNaive, changes);
      await Promise.all([productPhase(name, changes), naivePhase(name, changes)]);
      progress(partial([`not compared with the expectation: the scenario stopped after "${name}"`]));
    };

    log(`scenario 1 (calls), ${settings.size} dataset`);
    await phase('first-import', []);
    await phase('no-change', []);
    const one = oneConfigurationChange(dataset);
    await phase('one-change', one);
    await phase('one-percent-changed', onePercentChanges(dataset, one));

    const comparison = lastContext ? await compareWithExpected(lastContext) : { problems: ['no run'] };
    return partial(comparison.problems);
  } finally {
    await env.stop();
  }
}

export interface RateLimitedSettings extends ScenarioSettings {
  limitPerMinute: number;
  windowMs: number;
}

/** Scenario 2: a first import into a Hudu that throttles, against the floor `calls ÷ limit`. */
export async function runRateLimited(settings: RateLimitedSettings): Promise<RateLimitedResult> {
  const { log } = settings;
  const dataset = manageDataset({ size: settings.size, seed: settings.seed });
  const expected = expectedHuduState(dataset);
  const env = await environment(settings, 'rate-limited');
  try {
    const manage = await startManageSimulator(env.group, 'manage', {
      size: settings.size,
      seed: settings.seed,
    });
    const hudu = await startHuduSimulator(env.group, 'hudu', settings.seed, dataset, {
      HUDU_SIM_RATE_LIMIT_PER_MINUTE: String(settings.limitPerMinute),
      HUDU_SIM_RATE_LIMIT_WINDOW_MS: String(settings.windowMs),
    });
    const initialHudu = await huduState(hudu);
    // The limit per minute is what the key may do in a window of `windowMs` scaled to a minute; the admin
    // sets the integration's budget to what their Hudu allows.
    const perMinute = Math.round(settings.limitPerMinute * (60_000 / settings.windowMs));
    await createIntegration(env, INTEGRATION, manage, hudu, {
      matchPolicy: 'auto-create',
      huduRequestsPerMinute: perMinute,
    });
    log(`scenario 2 (rate-limited), ${settings.size} dataset, ${settings.limitPerMinute} requests/min`);
    const before = await huduCounts(hudu);
    const usage = (await (await fetch(`${hudu.url}/_sim/rate-limit`)).json()) as {
      usage: Array<{ count: number }>;
    };
    const { durationMs, context, started } = await productSync(
      env,
      hudu,
      dataset,
      settings.deadline,
      initialHudu,
      log,
    );
    const rows = diffCounts(before, await huduCounts(hudu));
    const tooMany = tooManyRequestsOf(rows);
    const calls = totalOf(rows) - tooMany;
    const floorMs = rateLimitFloorMs(calls, perMinute);
    const state = await huduState(hudu);
    const comparison = await compareWithExpected(context);
    log(
      `  ${calls} calls (+${tooMany} answered 429) in ${(durationMs / 1000).toFixed(1)} s; floor ${(floorMs / 1000).toFixed(1)} s`,
    );
    return {
      size: settings.size,
      limitPerMinute: perMinute,
      windowMs: settings.windowMs,
      clientBudgetPerMinute: perMinute,
      durationMs,
      huduCalls: calls,
      tooManyRequests: tooMany,
      floorMs,
      ratioToFloor: ratio(durationMs, floorMs),
      fixedWindowFloorMs: fixedWindowFloorMs(
        calls,
        settings.limitPerMinute,
        settings.windowMs,
        started,
        usage.usage.reduce((sum, u) => sum + u.count, 0),
      ),
      recordsExpected: expectedRecordCount(expected),
      recordsLost: lostRecords(expected, state),
      problems: comparison.problems,
      hudu: rows,
    };
  } finally {
    await env.stop();
  }
}

/** The ids a floor replay can use in a fresh Hudu simulator: its companies and the layout. */
async function floorIds(hudu: HuduSimulatorHandle): Promise<FloorIds> {
  const state = (await (await fetch(`${hudu.url}/_sim/state`)).json()) as {
    companies: Array<{ id: number }>;
    asset_layouts?: Array<{ id: number; name: string }>;
  };
  const layouts = (await (
    await fetch(`${hudu.url}/api/v1/asset_layouts`, { headers: { 'x-api-key': hudu.apiKey } })
  ).json()) as { asset_layouts: Array<{ id: number; name: string }> };
  const layout = layouts.asset_layouts.find((l) => l.name === 'Configurations') ?? layouts.asset_layouts[0];
  return { companyIds: state.companies.map((c) => c.id), assets: [], layoutId: layout?.id ?? 1 };
}

/** The same Hudu requests (method/route mix) straight at a fresh simulator with `concurrency` at once. */
async function replayFloor(
  hudu: HuduSimulatorHandle,
  mix: Array<{ method: string; route: string; count: number }>,
  concurrency: number,
) {
  const ids = await floorIds(hudu);
  const plan = floorPlan(mix);
  let failures = 0;
  const send = async (item: (typeof plan)[number]) => {
    const request = concreteRequest(item.method, item.route, item.index, ids);
    const response = await fetch(`${hudu.url}${request.path}`, {
      method: request.method,
      headers: {
        'x-api-key': hudu.apiKey,
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      failures++;
      return;
    }
    if (item.method === 'POST' && item.route === '/api/v1/companies')
      ids.companyIds.push((JSON.parse(text) as { company: { id: number } }).company.id);
    if (item.method === 'POST' && item.route.endsWith('/assets')) {
      const asset = (JSON.parse(text) as { asset: { id: number; company_id: number } }).asset;
      ids.assets.push({ companyId: asset.company_id, id: asset.id });
    }
  };
  const started = performance.now();
  await pool(
    plan.filter((p) => p.wave === 1),
    concurrency,
    send,
  );
  await pool(
    plan.filter((p) => p.wave === 2),
    concurrency,
    send,
  );
  return { durationMs: performance.now() - started, calls: plan.length, failures };
}

/** Scenarios 3 and 4: an unthrottled import, the floor beside it, and each service's peak RSS. */
export async function runThroughput(settings: ScenarioSettings): Promise<ThroughputResult> {
  const { log } = settings;
  const dataset = manageDataset({ size: settings.size, seed: settings.seed });
  const expected = expectedHuduState(dataset);
  const env = await environment(settings, 'throughput');
  let proxy: ConcurrencyProxy | undefined;
  try {
    const manage = await startManageSimulator(env.group, 'manage', {
      size: settings.size,
      seed: settings.seed,
    });
    const hudu = await startHuduSimulator(env.group, 'hudu', settings.seed, dataset);
    const floorHudu = await startHuduSimulator(env.group, 'hudu-floor', settings.seed, dataset);
    proxy = new ConcurrencyProxy(hudu.url);
    const proxied: HuduSimulatorHandle = { url: await proxy.listen(), apiKey: hudu.apiKey };
    const initialHudu = await huduState(hudu);
    await createIntegration(env, INTEGRATION, manage, proxied, {
      matchPolicy: 'auto-create',
      huduRequestsPerMinute: UNTHROTTLED_BUDGET_PER_MINUTE,
    });
    log(`scenario 3 (throughput), ${settings.size} dataset`);
    const before = await huduCounts(hudu);
    proxy.max = 0;
    const { durationMs, context } = await productSync(
      env,
      proxied,
      dataset,
      settings.deadline,
      initialHudu,
      log,
    );
    const rows = diffCounts(before, await huduCounts(hudu));
    const memory: ServiceMemory[] = SERVICES.map((service) => {
      const pid = childPids(`dist/apps/${service}/main.js`)[0];
      const peak = pid === undefined ? undefined : peakRssMiB(pid);
      return peak === undefined ? { service } : { service, peakRssMiB: peak };
    });
    const database = topDatabaseTime(
      (
        await Promise.all(
          SERVICES.map(async (service) => {
            const response = await fetch(`http://127.0.0.1:${env.ports[service]}/metrics`).catch(() => undefined);
            return response?.ok ? databaseTimeFrom(service, await response.text()) : [];
          }),
        )
      ).flat(),
    );
    const records = expectedRecordCount(expected);
    const concurrency = { max: proxy.max, mean: proxy.mean };
    const comparison = await compareWithExpected({ ...context, hudu });
    log(`  ${records} records in ${(durationMs / 1000).toFixed(1)} s; concurrency max ${concurrency.max}`);
    const floorConcurrency = Math.max(1, concurrency.max);
    const floor = await replayFloor(floorHudu, byRoute(rows), floorConcurrency);
    log(
      `  floor: ${floor.calls} calls in ${(floor.durationMs / 1000).toFixed(1)} s at concurrency ${floorConcurrency}`,
    );
    const result: ThroughputResult = {
      size: settings.size,
      records,
      durationMs,
      huduCalls: totalOf(rows),
      concurrency,
      floor: { concurrency: floorConcurrency, ...floor },
      problems: comparison.problems,
      memory,
      database,
      hudu: rows,
    };
    const rate = perSecond(records, durationMs);
    if (rate !== undefined) result.recordsPerSecond = rate;
    const toFloor = ratio(durationMs, floor.durationMs);
    if (toFloor !== undefined) result.ratioToFloor = toFloor;
    return result;
  } finally {
    await proxy?.close();
    await env.stop();
  }
}
