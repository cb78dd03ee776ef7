/**
 * The command line, parsed into one command object. Pure: no I/O, so every rule here is unit-tested.
 * Secrets never come from the command line (shell history, `ps`): the integration JSON is read from a
 * file or stdin, the admin token from CWHS_ADMIN_TOKEN.
 */
import { parseArgs } from 'node:util';

export type Command =
  | { name: 'help' }
  | { name: 'integrations' }
  | { name: 'integration'; id: string }
  | { name: 'add'; file: string; skipPreflight: boolean }
  | { name: 'change'; id: string; file: string; skipPreflight: boolean }
  | { name: 'remove'; id: string }
  | { name: 'types'; id: string }
  | { name: 'sync'; id: string; mode: 'full' | 'incremental'; force: boolean; wait: boolean }
  | { name: 'runs'; id: string; limit: number }
  | { name: 'status'; runId: string; wait: boolean }
  | { name: 'matches'; id: string; status?: 'pending' | 'decided'; limit: number; offset: number }
  | { name: 'confirm'; id: string; manageCompanyId: number; huduCompanyId?: number; by?: string }
  | { name: 'create'; id: string; manageCompanyId: number; by?: string }
  | { name: 'ignore'; id: string; manageCompanyId: number; by?: string }
  | { name: 'undo'; id: string; manageCompanyId: number }
  | { name: 'confirm-exact'; id: string; by?: string }
  | { name: 'schedule'; id: string }
  | {
      name: 'continuous';
      id: string;
      enabled: boolean;
      pollIntervalSeconds?: number;
      reconcileDailyAt?: string;
      reconcileEverySeconds?: number;
      callbacks?: boolean;
    };

export interface ParsedCommandLine {
  command: Command;
  /** Print the API's JSON instead of tables (for scripts). */
  json: boolean;
}

/** A mistake on the command line: the message says what is wrong; the CLI prints it with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `cwhs — cw-hudu-sync from the command line

  cwhs integrations                                   list integrations
  cwhs integration <id>                               one integration (secrets are never shown)
  cwhs add <file.json|->        [--skip-preflight]    create an integration from JSON (file or stdin)
  cwhs change <id> <file.json|-> [--skip-preflight]   change names, addresses, options or rotate secrets
  cwhs remove <id>                                    delete an integration
  cwhs types <id>                                     configuration types found by the last fetch
  cwhs sync <id> [--incremental] [--force] [--wait]   request a sync (--wait follows it to the end)
  cwhs runs <id> [--limit N]                          latest runs, newest first
  cwhs status <runId> [--wait]                        one run: stage, progress, counts, errors
  cwhs matches <id> [--pending|--decided] [--limit N] [--offset N]
  cwhs confirm <id> <manageCompanyId> [--to <huduCompanyId>] [--by NAME]
                                                      link to the proposal's exact match, or to --to
  cwhs create <id> <manageCompanyId> [--by NAME]      create a new Hudu company for it
  cwhs ignore <id> <manageCompanyId> [--by NAME]      never import it
  cwhs undo <id> <manageCompanyId>                    undo the latest decision
  cwhs confirm-exact <id> [--by NAME]                 confirm every unambiguous exact proposal
  cwhs schedule <id>                                  continuous sync: settings, last/next poll and
                                                      reconcile, last run, callback health
  cwhs continuous <id> on|off [--poll SECONDS] [--reconcile-at HH:MM | --reconcile-every SECONDS]
                              [--callbacks on|off]    switch continuous sync and change its schedule

Options: --json prints the API's JSON. Environment: CWHS_ADMIN_URL (default http://127.0.0.1:8080),
CWHS_MATCHER_URL (default http://127.0.0.1:8082), CWHS_ADMIN_TOKEN (required).`;

const ARITY: Record<string, string[]> = {
  help: [],
  integrations: [],
  integration: ['id'],
  add: ['file'],
  change: ['id', 'file'],
  remove: ['id'],
  types: ['id'],
  sync: ['id'],
  runs: ['id'],
  status: ['runId'],
  matches: ['id'],
  confirm: ['id', 'manageCompanyId'],
  create: ['id', 'manageCompanyId'],
  ignore: ['id', 'manageCompanyId'],
  undo: ['id', 'manageCompanyId'],
  'confirm-exact': ['id'],
  schedule: ['id'],
  continuous: ['id', 'on|off'],
};

/** Options each command accepts (besides --json and --help). */
const ACCEPTS: Record<string, string[]> = {
  add: ['skip-preflight'],
  change: ['skip-preflight'],
  sync: ['incremental', 'force', 'wait'],
  runs: ['limit'],
  status: ['wait'],
  matches: ['pending', 'decided', 'limit', 'offset'],
  confirm: ['to', 'by'],
  create: ['by'],
  ignore: ['by'],
  'confirm-exact': ['by'],
  continuous: ['poll', 'reconcile-at', 'reconcile-every', 'callbacks'],
};

function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}`);
  return n;
}

export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'skip-preflight': { type: 'boolean' },
        incremental: { type: 'boolean' },
        force: { type: 'boolean' },
        wait: { type: 'boolean' },
        pending: { type: 'boolean' },
        decided: { type: 'boolean' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        to: { type: 'string' },
        by: { type: 'string' },
        poll: { type: 'string' },
        'reconcile-at': { type: 'string' },
        'reconcile-every': { type: 'string' },
        callbacks: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  const [name = 'help', ...rest] = positionals;
  if (values.help || name === 'help') return { command: { name: 'help' }, json };

  const expected = ARITY[name];
  if (!expected) throw new UsageError(`unknown command "${name}"`);
  if (rest.length !== expected.length) {
    const shape = expected.map((arg) => `<${arg}>`).join(' ');
    throw new UsageError(`${name} takes ${shape || 'no arguments'}`);
  }
  const given = Object.keys(values).filter((option) => option !== 'json' && option !== 'help');
  const unexpected = given.filter((option) => !(ACCEPTS[name] ?? []).includes(option));
  if (unexpected.length > 0) {
    throw new UsageError(`${name} does not take ${unexpected.map((o) => `--${o}`).join(', ')}`);
  }

  const arg = (i: number): string => rest[i] as string;
  // The id's format is the admin API's to check (one rule, one place); here only that there is one.
  const id = () => {
    const value = arg(0);
    if (value.trim() === '') throw new UsageError('the integration id is empty');
    return value;
  };
  const company = () => wholeNumber('manageCompanyId', arg(1), 1, Number.MAX_SAFE_INTEGER) as number;
  const by = values.by !== undefined ? { by: values.by } : {};

  const command = ((): Command => {
    switch (name) {
      case 'integrations':
        return { name };
      case 'integration':
      case 'remove':
      case 'types':
        return { name, id: id() };
      case 'add':
        return { name, file: arg(0), skipPreflight: values['skip-preflight'] === true };
      case 'change':
        return { name, id: id(), file: arg(1), skipPreflight: values['skip-preflight'] === true };
      case 'sync':
        return {
          name,
          id: id(),
          mode: values.incremental ? 'incremental' : 'full',
          force: values.force === true,
          wait: values.wait === true,
        };
      case 'runs':
        return { name, id: id(), limit: wholeNumber('--limit', values.limit, 1, 100) ?? 20 };
      case 'status':
        return { name, runId: arg(0), wait: values.wait === true };
      case 'matches': {
        if (values.pending && values.decided)
          throw new UsageError('--pending and --decided exclude each other');
        const status = values.pending ? 'pending' : values.decided ? 'decided' : undefined;
        return {
          name,
          id: id(),
          ...(status ? { status } : {}),
          limit: wholeNumber('--limit', values.limit, 1, 500) ?? 50,
          offset: wholeNumber('--offset', values.offset, 0, 1_000_000) ?? 0,
        };
      }
      case 'confirm': {
        const to = wholeNumber('--to', values.to, 1, Number.MAX_SAFE_INTEGER);
        return { name, id: id(), manageCompanyId: company(), ...(to ? { huduCompanyId: to } : {}), ...by };
      }
      case 'create':
      case 'ignore':
        return { name, id: id(), manageCompanyId: company(), ...by };
      case 'undo':
        return { name, id: id(), manageCompanyId: company() };
      case 'confirm-exact':
        return { name, id: id(), ...by };
      case 'schedule':
        return { name, id: id() };
      case 'continuous': {
        const onOff = (what: string, value: string) => {
          if (value !== 'on' && value !== 'off')
            throw new UsageError(`${what} must be on or off, got "${value}"`);
          return value === 'on';
        };
        if (values['reconcile-at'] !== undefined && values['reconcile-every'] !== undefined) {
          throw new UsageError('--reconcile-at and --reconcile-every exclude each other');
        }
        const at = values['reconcile-at'];
        if (at !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(at)) {
          throw new UsageError(`--reconcile-at must be HH:MM (UTC), got "${at}"`);
        }
        const poll = wholeNumber('--poll', values.poll, 2, 86_400);
        const every = wholeNumber('--reconcile-every', values['reconcile-every'], 10, 31_536_000);
        return {
          name,
          id: id(),
          enabled: onOff('the switch', arg(1)),
          ...(poll !== undefined ? { pollIntervalSeconds: poll } : {}),
          ...(at !== undefined ? { reconcileDailyAt: at } : {}),
          ...(every !== undefined ? { reconcileEverySeconds: every } : {}),
          ...(values.callbacks !== undefined ? { callbacks: onOff('--callbacks', values.callbacks) } : {}),
        };
      }
      default:
        throw new UsageError(`unknown command "${name}"`);
    }
  })();
  return { command, json };
}
