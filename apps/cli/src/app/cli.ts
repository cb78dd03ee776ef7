/**
 * Runs one parsed command against the admin and matcher APIs and prints the answer. Everything the
 * process touches (environment, streams, clock, files) comes in through `CliIo`, so tests drive it whole.
 */
import { ApiClient, ApiError } from './api-client';
import { type Command, parseCommandLine, USAGE, UsageError } from './arguments';
import {
  integrationsTable,
  matchesTable,
  matchLine,
  runStatus,
  runsTable,
  scheduleView,
  typesTable,
} from './format';
import type { ContinuousSyncView, IntegrationView, MatchList, MatchView, RunView } from './views';

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Reads a file, or stdin for "-". */
  readInput: (file: string) => Promise<string>;
  sleep?: (ms: number) => Promise<void>;
  /** How often --wait polls the run (ms). */
  pollMs?: number;
  fetch?: typeof fetch;
}

const FINISHED = new Set(['completed', 'failed']);

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cwhs: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const { command, json } = parsed;
  if (command.name === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const token = io.env['CWHS_ADMIN_TOKEN'];
  if (!token) {
    io.err('cwhs: CWHS_ADMIN_TOKEN is not set (the admin bearer token of the deployment)\n');
    return 2;
  }
  const admin = new ApiClient({
    baseUrl: io.env['CWHS_ADMIN_URL'] ?? 'http://127.0.0.1:8080',
    token,
    label: 'admin API',
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  const matcher = new ApiClient({
    baseUrl: io.env['CWHS_MATCHER_URL'] ?? 'http://127.0.0.1:8082',
    token,
    label: 'matcher API',
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  const print = (value: unknown, text: () => string) =>
    io.out(`${json ? JSON.stringify(value, null, 2) : text()}\n`);

  try {
    await execute(command, { json, admin, matcher, io, print });
    return 0;
  } catch (error) {
    if (error instanceof ApiError) {
      io.err(`cwhs: ${error.message}\n${error.reasons.map((r) => `  - ${r}\n`).join('')}`);
      return error.status === 0 ? 3 : 1;
    }
    if (error instanceof UsageError) {
      io.err(`cwhs: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

interface Context {
  json: boolean;
  admin: ApiClient;
  matcher: ApiClient;
  io: CliIo;
  print: (value: unknown, text: () => string) => void;
}

const path = (...parts: Array<string | number>) => parts.map((p) => encodeURIComponent(String(p))).join('/');

async function readJson(io: CliIo, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await io.readInput(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file === '-' ? 'stdin' : file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // Never quote the content: it holds the keys.
    throw new UsageError(`${file === '-' ? 'stdin' : file} is not valid JSON (${(error as Error).name})`);
  }
}

async function execute(command: Command, { json, admin, matcher, io, print }: Context): Promise<void> {
  switch (command.name) {
    case 'help':
      return;
    case 'integrations': {
      const body = await admin.call<{ integrations: IntegrationView[] }>('GET', '/api/integrations');
      return print(body, () => integrationsTable(body.integrations));
    }
    case 'integration': {
      const body = await admin.call<IntegrationView>('GET', `/api/integrations/${path(command.id)}`);
      return print(body, () => JSON.stringify(body, null, 2));
    }
    case 'add': {
      const input = await readJson(io, command.file);
      const query = command.skipPreflight ? '?skipPreflight=true' : '';
      const body = await admin.call<{ integration: IntegrationView; preflight: unknown }>(
        'POST',
        `/api/integrations${query}`,
        input,
      );
      return print(body, () => `integration "${body.integration.id}" created`);
    }
    case 'change': {
      const input = await readJson(io, command.file);
      const query = command.skipPreflight ? '?skipPreflight=true' : '';
      const body = await admin.call<{ integration: IntegrationView }>(
        'PATCH',
        `/api/integrations/${path(command.id)}${query}`,
        input,
      );
      return print(body, () => `integration "${body.integration.id}" changed`);
    }
    case 'remove': {
      await admin.call('DELETE', `/api/integrations/${path(command.id)}`);
      return print({ deleted: command.id }, () => `integration "${command.id}" deleted`);
    }
    case 'types': {
      const body = await admin.call<{
        types: Array<{ id: number; name: string; count: number; skipped: boolean }>;
      }>('GET', `/api/integrations/${path(command.id)}/configuration-types`);
      return print(body, () => typesTable(body));
    }
    case 'sync': {
      const { runId } = await admin.call<{ runId: string }>(
        'POST',
        `/api/integrations/${path(command.id)}/sync`,
        {
          mode: command.mode,
          force: command.force,
        },
      );
      if (!command.wait) return print({ runId }, () => `sync requested: run ${runId} (cwhs status ${runId})`);
      if (!json) io.out(`sync requested: run ${runId}\n`);
      return follow(admin, io, print, runId);
    }
    case 'runs': {
      const body = await admin.call<{ runs: RunView[] }>(
        'GET',
        `/api/integrations/${path(command.id)}/runs?limit=${command.limit}`,
      );
      return print(body, () => runsTable(body.runs));
    }
    case 'status': {
      if (command.wait) return follow(admin, io, print, command.runId);
      const run = await admin.call<RunView>('GET', `/api/runs/${path(command.runId)}`);
      return print(run, () => runStatus(run));
    }
    case 'matches': {
      const query = new URLSearchParams({ limit: String(command.limit), offset: String(command.offset) });
      if (command.status) query.set('status', command.status);
      const body = await matcher.call<MatchList>(
        'GET',
        `/api/integrations/${path(command.id)}/matches?${query}`,
      );
      return print(body, () => matchesTable(body));
    }
    case 'confirm': {
      let huduCompanyId = command.huduCompanyId;
      if (huduCompanyId === undefined)
        huduCompanyId = await exactMatchOf(matcher, command.id, command.manageCompanyId);
      const match = await matcher.call<MatchView>(
        'POST',
        `/api/integrations/${path(command.id)}/matches/${path(command.manageCompanyId)}/decision`,
        { decision: 'link', huduCompanyId, ...(command.by ? { by: command.by } : {}) },
      );
      return print(match, () => matchLine(match));
    }
    case 'create':
    case 'ignore': {
      const match = await matcher.call<MatchView>(
        'POST',
        `/api/integrations/${path(command.id)}/matches/${path(command.manageCompanyId)}/decision`,
        { decision: command.name, ...(command.by ? { by: command.by } : {}) },
      );
      return print(match, () => matchLine(match));
    }
    case 'undo': {
      const match = await matcher.call<MatchView>(
        'DELETE',
        `/api/integrations/${path(command.id)}/matches/${path(command.manageCompanyId)}/decision`,
      );
      return print(match, () => matchLine(match));
    }
    case 'schedule': {
      const view = await admin.call<ContinuousSyncView>(
        'GET',
        `/api/integrations/${path(command.id)}/continuous-sync`,
      );
      return print(view, () => scheduleView(view));
    }
    case 'continuous': {
      const { id, enabled, pollIntervalSeconds, reconcileDailyAt, reconcileEverySeconds, callbacks } =
        command;
      const patch = {
        enabled,
        ...(pollIntervalSeconds !== undefined ? { pollIntervalSeconds } : {}),
        ...(reconcileDailyAt !== undefined ? { reconcile: { dailyAt: reconcileDailyAt } } : {}),
        ...(reconcileEverySeconds !== undefined
          ? { reconcile: { everySeconds: reconcileEverySeconds } }
          : {}),
        ...(callbacks !== undefined ? { callbacks } : {}),
      };
      await admin.call('PATCH', `/api/integrations/${path(id)}/continuous-sync`, patch);
      const view = await admin.call<ContinuousSyncView>(
        'GET',
        `/api/integrations/${path(id)}/continuous-sync`,
      );
      return print(view, () => scheduleView(view));
    }
    case 'confirm-exact': {
      const body = await matcher.call<{ confirmed: number; decidedConcurrently: number; pending: number }>(
        'POST',
        `/api/integrations/${path(command.id)}/matches/confirm-exact`,
        command.by ? { by: command.by } : {},
      );
      return print(
        body,
        () =>
          `${body.confirmed} exact match(es) confirmed, ${body.pending} still pending` +
          (body.decidedConcurrently > 0
            ? `, ${body.decidedConcurrently} decided meanwhile by someone else`
            : ''),
      );
    }
  }
}

/** The Hudu company of the proposal's exact match; an admin must name one (--to) when there is none. */
async function exactMatchOf(matcher: ApiClient, id: string, manageCompanyId: number): Promise<number> {
  for (let offset = 0; ; offset += 500) {
    const list = await matcher.call<MatchList>(
      'GET',
      `/api/integrations/${path(id)}/matches?limit=500&offset=${offset}`,
    );
    const match = list.items.find((m) => m.manageCompanyId === manageCompanyId);
    if (match) {
      const exact = match.proposal?.exactMatch;
      if (!exact)
        throw new UsageError(
          `Manage company ${manageCompanyId} has no exact match: name one with --to <huduCompanyId>`,
        );
      if (match.proposal?.ambiguous) {
        throw new UsageError(
          `the proposal for Manage company ${manageCompanyId} is ambiguous: name the Hudu company with --to`,
        );
      }
      return exact.huduCompanyId;
    }
    if (offset + list.items.length >= list.total) break;
  }
  throw new UsageError(
    `Manage company ${manageCompanyId} is not among the matches of "${id}" (has it been fetched?)`,
  );
}

async function follow(admin: ApiClient, io: CliIo, print: Context['print'], runId: string): Promise<void> {
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last = '';
  for (;;) {
    const run = await admin.call<RunView>('GET', `/api/runs/${path(runId)}`);
    if (FINISHED.has(run.stage)) {
      print(run, () => runStatus(run));
      if (run.stage === 'failed')
        throw new ApiError(
          1,
          `run ${runId} failed`,
          run.errors.map((e) => e.reason),
        );
      return;
    }
    const line = runStatus(run).split('\n')[0] ?? '';
    if (line !== last) io.err(`${line}\n`);
    last = line;
    await sleep(io.pollMs ?? 2_000);
  }
}
