import {
  decideByPolicy,
  DEFAULT_MATCH_POLICY,
  MATCH_POLICIES,
  matchPolicySchema,
  type MatchPolicy,
} from './policy';
import { proposeMatches, proposeMatchesForAll, type MatchProposal } from './propose';
import type { HuduCompanyForMatching, ManageCompanyForMatching } from './types';

const acme: ManageCompanyForMatching = {
  id: 250,
  identifier: 'AcmeCorp',
  name: 'Acme Corporation',
  website: 'acme.com',
};
const hudu = (
  id: number,
  name: string,
  over: Partial<HuduCompanyForMatching> = {},
): HuduCompanyForMatching => ({
  id,
  name,
  ...over,
});

/** Every situation a proposal can be in, built the way the matcher builds them. */
const situations: Record<string, () => MatchProposal> = {
  'recorded link': () => proposeMatches(acme, [hudu(7, 'Renamed Since')], { links: new Map([[250, 7]]) }),
  'recorded link to an archived company': () =>
    proposeMatches(acme, [hudu(7, 'Renamed Since', { archived: true })], { links: new Map([[250, 7]]) }),
  'recorded link to a company that is gone': () =>
    proposeMatches(acme, [hudu(3, 'Acme Corp')], { links: new Map([[250, 7]]) }),
  'unique id number': () => proposeMatches(acme, [hudu(3, 'Roadrunner', { id_number: 'ACMECORP' })]),
  'unique exact name': () => proposeMatches(acme, [hudu(3, 'ACME Corp.'), hudu(4, 'Acme Corporation (old)')]),
  'id number and name agree': () => proposeMatches(acme, [hudu(3, 'Acme Corp', { id_number: '250' })]),
  'exact name, archived': () => proposeMatches(acme, [hudu(3, 'Acme Corp', { archived: true })]),
  'duplicate Hudu names': () => proposeMatches(acme, [hudu(3, 'Acme Corp'), hudu(4, 'ACME, Inc.')]),
  'id number and name disagree': () =>
    proposeMatches(acme, [hudu(3, 'Acme Corp'), hudu(4, 'Roadrunner', { id_number: 'acmecorp' })]),
  'claimed by another Manage company': () =>
    proposeMatchesForAll(
      [acme, { id: 251, identifier: 'Acme2', name: 'ACME Corp' }],
      [hudu(3, 'Acme Corporation')],
    )[0]!,
  'same domain only': () =>
    proposeMatches(acme, [hudu(3, 'Roadrunner', { website: 'https://www.acme.com' })]),
  'similar name only': () => proposeMatches(acme, [hudu(3, 'Acme Corporation (HQ)')]),
  'no candidates': () => proposeMatches(acme, [hudu(3, 'Zenith Labs')]),
  'empty Hudu': () => proposeMatches(acme, []),
};

type Expected = { action: 'confirm'; huduCompanyId: number; basis: string } | { action: 'create' } | string;
const confirm = (huduCompanyId: number, basis: string) => ({
  action: 'confirm' as const,
  huduCompanyId,
  basis,
});

/** situation → [auto-exact, auto-create]; a string is a needs-review reason. `review` always says policy-review. */
const expected: Record<string, [Expected, Expected]> = {
  'recorded link': [confirm(7, 'existing-link'), confirm(7, 'existing-link')],
  'recorded link to an archived company': [confirm(7, 'existing-link'), confirm(7, 'existing-link')],
  'recorded link to a company that is gone': ['linked-company-missing', 'linked-company-missing'],
  'unique id number': [confirm(3, 'id-number'), confirm(3, 'id-number')],
  'unique exact name': [confirm(3, 'exact-name'), confirm(3, 'exact-name')],
  'id number and name agree': [confirm(3, 'id-number'), confirm(3, 'id-number')],
  'exact name, archived': ['archived-match', 'archived-match'],
  'duplicate Hudu names': ['ambiguous', 'ambiguous'],
  'id number and name disagree': ['ambiguous', 'ambiguous'],
  'claimed by another Manage company': ['ambiguous', 'ambiguous'],
  'same domain only': ['suggestions-only', 'suggestions-only'],
  'similar name only': ['suggestions-only', 'suggestions-only'],
  'no candidates': ['no-candidates', { action: 'create' }],
  'empty Hudu': ['no-candidates', { action: 'create' }],
};

describe('decideByPolicy', () => {
  const table = Object.entries(situations).flatMap(([situation, build]) => {
    const [autoExact, autoCreate] = expected[situation]!;
    return [
      ['review', situation, build, 'policy-review'],
      ['auto-exact', situation, build, autoExact],
      ['auto-create', situation, build, autoCreate],
    ] as Array<[MatchPolicy, string, () => MatchProposal, Expected]>;
  });

  it('covers every situation under every policy', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(situations).sort());
    expect(table).toHaveLength(Object.keys(situations).length * MATCH_POLICIES.length);
  });

  it.each(table)('%s / %s', (policy, _situation, build, outcome) => {
    const decision = decideByPolicy(build(), policy);
    expect(decision.manageCompanyId).toBe(250);
    expect(decision.explanation).not.toBe('');
    if (typeof outcome === 'string')
      expect(decision).toMatchObject({ action: 'needs-review', reason: outcome });
    else expect(decision).toMatchObject(outcome);
  });

  it('never confirms an ambiguous proposal or a suggestion, whatever the policy', () => {
    for (const build of Object.values(situations)) {
      const proposal = build();
      for (const policy of MATCH_POLICIES) {
        const decision = decideByPolicy(proposal, policy);
        if (decision.action !== 'confirm') continue;
        expect(proposal.ambiguous).toBe(false);
        const target = proposal.candidates.find((c) => c.huduCompanyId === decision.huduCompanyId);
        expect(target?.suggestionOnly).toBe(false);
      }
    }
  });

  it('creates only when there is no candidate at all, and only under auto-create', () => {
    for (const build of Object.values(situations)) {
      const proposal = build();
      for (const policy of MATCH_POLICIES) {
        if (decideByPolicy(proposal, policy).action === 'create') {
          expect(policy).toBe('auto-create');
          expect(proposal.candidates).toEqual([]);
        }
      }
    }
  });

  it('defaults to review', () => {
    expect(DEFAULT_MATCH_POLICY).toBe('review');
    expect(decideByPolicy(situations['unique exact name']!())).toMatchObject({
      action: 'needs-review',
      reason: 'policy-review',
    });
  });

  it('explains ambiguity with the ambiguities found', () => {
    const decision = decideByPolicy(situations['duplicate Hudu names']!(), 'auto-exact');
    expect(decision.explanation).toMatch(/2 Hudu companies have this normalised name/);
  });
});

describe('matchPolicySchema', () => {
  it('accepts the policies and defaults to review', () => {
    expect(matchPolicySchema.parse(undefined)).toBe('review');
    for (const policy of MATCH_POLICIES) expect(matchPolicySchema.parse(policy)).toBe(policy);
    expect(matchPolicySchema.safeParse('auto-everything').success).toBe(false);
  });
});
