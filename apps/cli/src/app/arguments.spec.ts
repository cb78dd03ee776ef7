import { parseCommandLine, UsageError } from './arguments';

const parse = (line: string) => parseCommandLine(line.split(' ').filter(Boolean));

describe('parseCommandLine', () => {
  it('gives help without arguments, for help and for --help', () => {
    expect(parse('').command).toEqual({ name: 'help' });
    expect(parse('help').command).toEqual({ name: 'help' });
    expect(parse('sync acme --help').command).toEqual({ name: 'help' });
  });

  it.each([
    ['integrations', { name: 'integrations' }],
    ['integration acme', { name: 'integration', id: 'acme' }],
    ['add acme.json', { name: 'add', file: 'acme.json', skipPreflight: false }],
    ['add - --skip-preflight', { name: 'add', file: '-', skipPreflight: true }],
    ['change acme patch.json', { name: 'change', id: 'acme', file: 'patch.json', skipPreflight: false }],
    ['remove acme', { name: 'remove', id: 'acme' }],
    ['types acme', { name: 'types', id: 'acme' }],
    ['sync acme', { name: 'sync', id: 'acme', mode: 'full', force: false, wait: false }],
    [
      'sync acme --incremental --force --wait',
      { name: 'sync', id: 'acme', mode: 'incremental', force: true, wait: true },
    ],
    ['runs acme', { name: 'runs', id: 'acme', limit: 20 }],
    ['runs acme --limit 5', { name: 'runs', id: 'acme', limit: 5 }],
    ['status r-1', { name: 'status', runId: 'r-1', wait: false }],
    ['status r-1 --wait', { name: 'status', runId: 'r-1', wait: true }],
    ['matches acme', { name: 'matches', id: 'acme', limit: 50, offset: 0 }],
    [
      'matches acme --pending --limit 10 --offset 20',
      { name: 'matches', id: 'acme', status: 'pending', limit: 10, offset: 20 },
    ],
    ['matches acme --decided', { name: 'matches', id: 'acme', status: 'decided', limit: 50, offset: 0 }],
    ['confirm acme 42', { name: 'confirm', id: 'acme', manageCompanyId: 42 }],
    [
      'confirm acme 42 --to 7 --by alice',
      { name: 'confirm', id: 'acme', manageCompanyId: 42, huduCompanyId: 7, by: 'alice' },
    ],
    ['create acme 42', { name: 'create', id: 'acme', manageCompanyId: 42 }],
    ['ignore acme 42 --by bob', { name: 'ignore', id: 'acme', manageCompanyId: 42, by: 'bob' }],
    ['undo acme 42', { name: 'undo', id: 'acme', manageCompanyId: 42 }],
    ['confirm-exact acme', { name: 'confirm-exact', id: 'acme' }],
  ])('%s', (line, command) => {
    expect(parse(line).command).toEqual(command);
  });

  it('takes --json anywhere', () => {
    expect(parse('--json integrations')).toEqual({ command: { name: 'integrations' }, json: true });
    expect(parse('runs acme --json').json).toBe(true);
  });

  it.each([
    ['frobnicate', /unknown command "frobnicate"/],
    ['sync', /sync takes <id>/],
    ['sync a b', /sync takes <id>/],
    ['integrations extra', /integrations takes no arguments/],
    ['confirm acme', /confirm takes <id> <manageCompanyId>/],
    ['confirm acme x', /manageCompanyId must be a whole number/],
    ['confirm acme 0', /manageCompanyId must be between 1/],
    ['confirm acme 4 --to=-1', /--to must be a whole number/],
    ['confirm acme 4 --to', /--to/],
    ['runs acme --limit 1000', /--limit must be between 1 and 100/],
    ['matches acme --pending --decided', /exclude each other/],
    ['sync acme --to 3', /sync does not take --to/],
    ['remove acme --force', /remove does not take --force/],
    ['sync acme --bogus', /bogus/],
  ])('rejects %s', (line, message) => {
    expect(() => parse(line)).toThrow(UsageError);
    expect(() => parse(line)).toThrow(message);
  });
});

describe('continuous sync commands', () => {
  it.each([
    ['schedule acme', { name: 'schedule', id: 'acme' }],
    ['continuous acme on', { name: 'continuous', id: 'acme', enabled: true }],
    ['continuous acme off', { name: 'continuous', id: 'acme', enabled: false }],
    [
      'continuous acme on --poll 30 --reconcile-at 03:15 --callbacks off',
      {
        name: 'continuous',
        id: 'acme',
        enabled: true,
        pollIntervalSeconds: 30,
        reconcileDailyAt: '03:15',
        callbacks: false,
      },
    ],
    [
      'continuous acme on --reconcile-every 3600',
      { name: 'continuous', id: 'acme', enabled: true, reconcileEverySeconds: 3600 },
    ],
  ])('%s', (line, command) => {
    expect(parse(line).command).toEqual(command);
  });

  it.each([
    ['continuous acme maybe', /the switch must be on or off/],
    ['continuous acme on --poll 1', /--poll must be between 2 and 86400/],
    ['continuous acme on --reconcile-at 25:00', /--reconcile-at must be HH:MM/],
    ['continuous acme on --reconcile-at 03:00 --reconcile-every 60', /exclude each other/],
    ['continuous acme on --callbacks yes', /--callbacks must be on or off/],
    ['schedule acme --poll 5', /schedule does not take --poll/],
  ])('rejects %s', (line, message) => {
    expect(() => parse(line)).toThrow(message);
  });
});
