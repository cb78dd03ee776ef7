import {
  duration,
  integrationsTable,
  matchesTable,
  runStatus,
  runsTable,
  scheduleView,
  table,
  typesTable,
} from './format';
import type { MatchList, RunView } from './views';

const run = (over: Partial<RunView> = {}): RunView => ({
  id: 'run-1',
  integrationId: 'acme',
  mode: 'full',
  stage: 'importing',
  counts: {},
  huduCalls: 12,
  errors: [],
  startedAt: '2026-12-03T10:00:00.000Z',
  updatedAt: '2026-12-03T10:00:30.000Z',
  ...over,
});

describe('table', () => {
  it('aligns columns and cuts long cells', () => {
    expect(
      table(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', 'w'],
        ],
      ),
    ).toBe('A    BB\nxxx  y\nz    w');
    expect(table(['A'], [['abcdefghij']], 5)).toBe('A\nabcd…');
  });
});

describe('duration', () => {
  it.each([
    [0, '0s'],
    [59.4, '59s'],
    [61, '1m01s'],
    [3_725, '1h02m'],
    [-1, '?'],
    [Number.NaN, '?'],
  ])('%s s → %s', (seconds, text) => expect(duration(seconds)).toBe(text));
});

describe('runStatus', () => {
  const now = new Date('2026-12-03T10:01:05.000Z');
  it('says stage, elapsed time so far and Hudu calls', () => {
    expect(runStatus(run(), now)).toBe('run run-1 (full) of acme: importing, 1m05s so far, 12 Hudu calls');
  });
  it('uses the finish time once finished', () => {
    const text = runStatus(run({ stage: 'completed', finishedAt: '2026-12-03T10:00:10.000Z' }), now);
    expect(text.split('\n')[0]).toBe('run run-1 (full) of acme: completed, 10s, 12 Hudu calls');
  });
  it('prints progress per stage with percent, rate and time left when given', () => {
    const text = runStatus(
      run({
        progress: {
          stages: [
            { stage: 'fetch', done: 100, total: 100 },
            { stage: 'import', done: 25, total: 100, ratePerSecond: 5, etaSeconds: 15 },
            { stage: 'match', done: 3 },
          ],
        },
      }),
      now,
    );
    expect(text).toContain('fetch     100/100 (100%)');
    expect(text).toContain('import    25/100 (25%), 5.0/s, ~15s left');
    expect(text).toContain('match     3');
  });
  it('prints counts as kind × outcome and errors with what they concern', () => {
    const text = runStatus(
      run({
        counts: { configuration: { created: 5, failed: 1 }, company: { created: 2 } },
        errors: [
          { at: 'x', service: 'importer', kind: 'configuration', manageId: 9, reason: 'layout missing' },
        ],
      }),
      now,
    );
    expect(text).toContain('KIND           CREATED  FAILED');
    expect(text).toContain('company        2');
    expect(text).toContain('configuration  5        1');
    expect(text).toContain('importer configuration #9: layout missing');
  });
  it('shows at most 20 errors', () => {
    const errors = Array.from({ length: 25 }, (_, i) => ({ at: 'x', service: 'fetcher', reason: `r${i}` }));
    const text = runStatus(run({ errors }), now);
    expect(text).toContain('25 error(s)');
    expect(text).toContain('… and 5 more');
    expect(text).not.toContain('r20');
  });
});

describe('lists', () => {
  it('says what to do when empty', () => {
    expect(integrationsTable([])).toMatch(/cwhs add/);
    expect(runsTable([])).toMatch(/cwhs sync/);
    expect(typesTable({ types: [] })).toMatch(/after the first full sync/);
  });
  it('lists integrations and runs', () => {
    expect(
      integrationsTable([
        {
          id: 'acme',
          name: 'Acme',
          manage: { siteUrl: 'https://x', companyId: 'acme' },
          hudu: { baseUrl: 'https://h' },
        },
      ]),
    ).toContain('acme  Acme  https://x    acme     https://h');
    expect(runsTable([run()])).toContain('run-1  full  importing');
    expect(typesTable({ types: [{ id: 3, name: 'Server', count: 7, skipped: true }] })).toContain(
      '3        Server  7               yes',
    );
  });
  it('shows decisions, exact matches and ambiguity', () => {
    const list: MatchList = {
      integrationId: 'acme',
      total: 3,
      limit: 50,
      offset: 0,
      items: [
        {
          manageCompanyId: 1,
          name: 'Alpha',
          status: 'decided',
          removed: false,
          decision: { decision: 'link', huduCompanyId: 8, decidedBy: 'admin:a', at: 'x', reasons: [] },
        },
        {
          manageCompanyId: 2,
          name: 'Beta',
          status: 'pending',
          removed: false,
          proposal: {
            ambiguous: false,
            ambiguities: [],
            exactMatch: { huduCompanyId: 4, basis: 'normalised-name' },
            candidates: [],
          },
        },
        {
          manageCompanyId: 3,
          name: 'Gamma',
          status: 'pending',
          removed: false,
          proposal: {
            ambiguous: true,
            ambiguities: [{ kind: 'duplicate-hudu-name' }],
            candidates: [{ huduCompanyId: 5, huduCompanyName: 'Gamma', score: 90, reasons: [] }],
          },
        },
      ],
    };
    const text = matchesTable(list);
    expect(text).toContain('link → Hudu 8');
    expect(text).toContain('exact: Hudu 4 (normalised-name)');
    expect(text).toContain('best: Hudu 5 "Gamma" score 90 AMBIGUOUS (duplicate-hudu-name)');
    expect(text).toContain('(1–3 of 3)');
  });
});

describe('scheduleView', () => {
  it('shows settings, slots, last run and callback health', () => {
    const text = scheduleView({
      settings: { enabled: true, pollIntervalSeconds: 60, reconcile: { dailyAt: '02:00' }, callbacks: true },
      poll: {
        last: { slotAt: '2026-12-03T10:00:00.000Z', runId: 'r1', emittedBy: 'f-1', published: true },
        nextAt: '2026-12-03T10:01:00.000Z',
      },
      reconcile: { nextAt: '2026-12-04T02:00:00.000Z' },
      lastRun: { id: 'r1', mode: 'incremental', stage: 'completed', startedAt: '2026-12-03T10:00:00.000Z' },
      callbacks: { wanted: true, registered: true, lastReceivedAt: '2026-12-03T09:59:00.000Z', rejected: 2 },
    });
    expect(text).toBe(
      [
        'continuous sync: on (poll every 1m00s, reconcile daily at 02:00 UTC)',
        '  poll       last 2026-12-03T10:00:00.000Z (run r1); next 2026-12-03T10:01:00.000Z',
        '  reconcile  none yet; next 2026-12-04T02:00:00.000Z',
        '  last run   r1 (incremental) completed, started 2026-12-03T10:00:00.000Z',
        '  callbacks  registered, last received 2026-12-03T09:59:00.000Z, 2 rejected',
      ].join('\n'),
    );
  });
  it('says when it is off, unsent or unknown', () => {
    const text = scheduleView({
      settings: {
        enabled: false,
        pollIntervalSeconds: 5,
        reconcile: { everySeconds: 3600 },
        callbacks: true,
      },
      poll: { last: { slotAt: 'x', runId: 'r2', emittedBy: 'f', published: false }, nextAt: null },
      reconcile: { nextAt: null },
      callbacks: { wanted: true, status: 'unknown' },
    });
    expect(text).toContain('continuous sync: off (poll every 5s, reconcile every 1h00m)');
    expect(text).toContain('(run r2, NOT sent yet); next —');
    expect(text).toContain('last run   none');
    expect(text).toContain('callbacks  wanted, health unknown');
  });
});
