import { companyMatchedV1, type ManageCompany } from '@cw-hudu-sync/contracts';
import { type HuduCompanyForMatching, proposeMatches, proposeMatchesForAll } from '@cw-hudu-sync/matching';
import {
  boundedReasons,
  companyForMatching,
  companyMatchedPayload,
  confirmableExactMatches,
  policyOutcome,
  reasonsFor,
  type RecordedDecision,
  recordedLinks,
  statusOf,
} from './match-rules';

const manage = (id: number, name: string, extra: Partial<ManageCompany> = {}): ManageCompany => ({
  id,
  identifier: `C${id}`,
  name,
  inactive: false,
  deleted: false,
  typeNames: [],
  ...extra,
});
const hudu: HuduCompanyForMatching[] = [
  { id: 1, name: 'Acme, Inc.' },
  { id: 2, name: 'Globex Ltd' },
  { id: 3, name: 'Initech' },
  { id: 4, name: 'INITECH' },
];
const decision = (over: Partial<RecordedDecision> = {}): RecordedDecision => ({
  seq: 1,
  decision: 'link',
  huduCompanyId: 1,
  decidedBy: 'admin:api',
  at: '2026-12-03T10:00:00.000Z',
  reasons: ['because'],
  ...over,
});

describe('statusOf', () => {
  it('is pending without a decision or after an undo, decided otherwise', () => {
    expect(statusOf(undefined)).toBe('pending');
    expect(statusOf(decision({ decision: null }))).toBe('pending');
    expect(statusOf(decision({ decision: 'ignore' }))).toBe('decided');
    expect(statusOf(decision({ decision: 'create' }))).toBe('decided');
  });
});

describe('companyForMatching', () => {
  it('keeps what matching needs, website only when present', () => {
    expect(companyForMatching(manage(7, 'Acme', { website: 'acme.com', city: 'X' }))).toEqual({
      id: 7,
      identifier: 'C7',
      name: 'Acme',
      website: 'acme.com',
    });
    expect(companyForMatching(manage(7, 'Acme'))).not.toHaveProperty('website');
  });
});

describe('recordedLinks', () => {
  it('maps only current link decisions', () => {
    const latest = new Map<number, RecordedDecision>([
      [10, decision({ huduCompanyId: 5 })],
      [11, decision({ decision: 'create', huduCompanyId: undefined })],
      [12, decision({ decision: null, huduCompanyId: undefined })],
      [13, decision({ decision: 'ignore', huduCompanyId: undefined })],
    ]);
    expect([...recordedLinks(latest)]).toEqual([[10, 5]]);
  });
});

describe('boundedReasons / reasonsFor', () => {
  it('keeps at most 20 non-blank reasons of at most 200 characters', () => {
    const reasons = boundedReasons([
      '',
      ' ',
      'x'.repeat(250),
      ...Array.from({ length: 30 }, (_, i) => `r${i}`),
    ]);
    expect(reasons).toHaveLength(20);
    expect(reasons[0]).toHaveLength(200);
    expect(reasons[0]?.endsWith('…')).toBe(true);
    expect(reasons[1]).toBe('r0');
  });

  it('adds the chosen candidate’s reasons after the explanation', () => {
    const proposal = proposeMatches(companyForMatching(manage(1, 'ACME Inc')), hudu);
    expect(reasonsFor('why', proposal, 1)).toEqual(['why', 'exact-name: both names normalise to "acme"']);
    expect(reasonsFor('why', proposal, 99)).toEqual(['why']);
    expect(reasonsFor('why', undefined)).toEqual(['why']);
  });
});

describe('policyOutcome', () => {
  const exact = proposeMatches(companyForMatching(manage(1, 'acme inc')), hudu);
  const ambiguous = proposeMatches(companyForMatching(manage(2, 'Initech LLC')), hudu);
  const nothing = proposeMatches(companyForMatching(manage(3, 'Zyxwv Qorp')), hudu);

  it('review: everything waits', () => {
    for (const proposal of [exact, ambiguous, nothing]) {
      expect(policyOutcome(proposal, 'review')).toMatchObject({ kind: 'pending', reason: 'policy-review' });
    }
  });

  it('auto-exact: links a unique exact match, decided by policy:auto-exact, with reasons', () => {
    expect(policyOutcome(exact, 'auto-exact')).toEqual({
      kind: 'decide',
      request: {
        decision: 'link',
        huduCompanyId: 1,
        decidedBy: 'policy:auto-exact',
        reasons: [
          expect.stringContaining('unique exact-name match to Hudu 1'),
          expect.stringContaining('exact-name'),
        ],
      },
    });
    expect(policyOutcome(ambiguous, 'auto-exact')).toMatchObject({ kind: 'pending', reason: 'ambiguous' });
    expect(policyOutcome(nothing, 'auto-exact')).toMatchObject({ kind: 'pending', reason: 'no-candidates' });
  });

  it('auto-create: creates when nothing resembles it, still links exact matches by the exact rule', () => {
    expect(policyOutcome(nothing, 'auto-create')).toMatchObject({
      kind: 'decide',
      request: { decision: 'create', decidedBy: 'policy:auto-create' },
    });
    expect(policyOutcome(exact, 'auto-create')).toMatchObject({
      kind: 'decide',
      request: { decision: 'link', huduCompanyId: 1, decidedBy: 'policy:auto-exact' },
    });
    expect(policyOutcome(ambiguous, 'auto-create')).toMatchObject({ kind: 'pending' });
  });
});

describe('confirmableExactMatches', () => {
  it('takes unique unambiguous exact matches only, never two Manage companies claiming one Hudu company', () => {
    const proposals = proposeMatchesForAll(
      [
        manage(1, 'Acme'),
        manage(2, 'Globex Limited'),
        manage(3, 'Globex, Ltd.'),
        manage(4, 'Initech'),
        manage(5, 'Zzz'),
      ].map(companyForMatching),
      hudu,
    );
    const confirmable = confirmableExactMatches(proposals, 'admin:alice');
    expect(confirmable).toEqual([
      {
        manageCompanyId: 1,
        request: {
          decision: 'link',
          huduCompanyId: 1,
          decidedBy: 'admin:alice',
          reasons: [expect.stringContaining('bulk confirmation'), expect.stringContaining('exact-name')],
        },
      },
    ]);
  });
});

describe('companyMatchedPayload', () => {
  const company = manage(42, 'Acme', { website: 'acme.com' });
  const hash = 'ab'.repeat(16);

  it('builds a payload the CompanyMatched contract accepts', () => {
    const payload = companyMatchedPayload(company, hash, decision());
    expect(payload).toEqual({
      manageCompanyId: 42,
      decision: 'link',
      huduCompanyId: 1,
      company,
      contentHash: hash,
      decidedBy: 'admin:api',
      reasons: ['because'],
    });
    expect(companyMatchedV1.safeParse(payload).success).toBe(true);
  });

  it('names no Hudu company for create and ignore', () => {
    const created = companyMatchedPayload(company, hash, decision({ decision: 'create', huduCompanyId: 9 }));
    expect(created).not.toHaveProperty('huduCompanyId');
    expect(companyMatchedV1.safeParse(created).success).toBe(true);
  });

  it('refuses an undone decision and a link without a Hudu company', () => {
    expect(() => companyMatchedPayload(company, hash, decision({ decision: null }))).toThrow('no decision');
    expect(() => companyMatchedPayload(company, hash, decision({ huduCompanyId: undefined }))).toThrow(
      'names no Hudu company',
    );
  });
});
