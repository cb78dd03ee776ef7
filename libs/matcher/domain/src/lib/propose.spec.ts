import fc from 'fast-check';
import {
  CORROBORATION_POINTS,
  HuduCompanyIndex,
  MATCH_POINTS,
  MAX_NAME_SUGGESTIONS,
  proposeMatches,
  proposeMatchesForAll,
  type MatchProposal,
} from './propose';
import type { HuduCompanyForMatching, ManageCompanyForMatching } from './types';

const manage = (over: Partial<ManageCompanyForMatching> = {}): ManageCompanyForMatching => ({
  id: 250,
  identifier: 'AcmeCorp',
  name: 'Acme Corporation',
  ...over,
});
const hudu = (
  id: number,
  name: string,
  over: Partial<HuduCompanyForMatching> = {},
): HuduCompanyForMatching => ({
  id,
  name,
  id_number: null,
  website: null,
  archived: false,
  ...over,
});

const kinds = (proposal: MatchProposal) =>
  proposal.candidates.map((c) => [c.huduCompanyId, c.reasons.map((r) => r.kind)] as const);

describe('proposeMatches: reasons', () => {
  it('existing-link: a recorded link proposes its Hudu company first', () => {
    const proposal = proposeMatches(manage(), [hudu(1, 'Something Else'), hudu(2, 'Other')], {
      links: new Map([[250, 1]]),
    });
    expect(kinds(proposal)).toEqual([[1, ['existing-link']]]);
    expect(proposal.candidates[0]?.score).toBe(MATCH_POINTS['existing-link']);
    expect(proposal.exactMatch).toEqual({ huduCompanyId: 1, basis: 'existing-link' });
    expect(proposal.ambiguous).toBe(false);
  });

  it('existing-link to a Hudu company that is gone is reported, not proposed', () => {
    const proposal = proposeMatches(manage(), [hudu(2, 'ACME Corp.')], { links: new Map([[250, 99]]) });
    expect(proposal.missingLinkedHuduCompanyId).toBe(99);
    expect(kinds(proposal)).toEqual([[2, ['exact-name']]]);
  });

  it.each([
    ['the identifier, ignoring case', 'ACMECORP'],
    ['the identifier, padded', '  acmecorp '],
    ['the identifier, full-width', 'ＡＣＭＥＣＯＲＰ'],
    ['the company id', '250'],
  ])('id-number: Hudu id_number equal to %s', (_what, idNumber) => {
    const proposal = proposeMatches(manage(), [
      hudu(7, 'Unrelated Name', { id_number: idNumber }),
      hudu(8, 'X'),
    ]);
    expect(kinds(proposal)).toEqual([[7, ['id-number']]]);
    expect(proposal.exactMatch).toEqual({ huduCompanyId: 7, basis: 'id-number' });
  });

  it.each([[''], ['  '], ['251'], ['AcmeCorp2'], [null]])('id-number: not for id_number %j', (idNumber) => {
    expect(proposeMatches(manage(), [hudu(7, 'Unrelated', { id_number: idNumber })]).candidates).toEqual([]);
  });

  it.each([['ACME Corp.'], ['Acme Corporation'], ['acme, inc'], ['The ACME Company'], ['Ａｃｍｅ']])(
    'exact-name: %j has the same normalised name as "Acme Corporation"',
    (name) => {
      const proposal = proposeMatches(manage(), [hudu(3, name), hudu(4, 'Zenith Labs')]);
      expect(kinds(proposal)).toEqual([[3, ['exact-name']]]);
      expect(proposal.exactMatch).toEqual({ huduCompanyId: 3, basis: 'exact-name' });
      expect(proposal.normalisedName).toBe('acme');
    },
  );

  it('domain: the same website domain is a suggestion', () => {
    const proposal = proposeMatches(manage({ website: 'https://www.acme.com/' }), [
      hudu(5, 'Roadrunner Supplies', { website: 'ACME.com' }),
      hudu(6, 'Elsewhere', { website: 'elsewhere.com' }),
    ]);
    expect(kinds(proposal)).toEqual([[5, ['domain']]]);
    expect(proposal.candidates[0]?.suggestionOnly).toBe(true);
    expect(proposal.exactMatch).toBeUndefined();
  });

  it('domain: shared domains such as facebook.com say nothing', () => {
    const proposal = proposeMatches(manage({ website: 'facebook.com/acme' }), [
      hudu(5, 'Roadrunner Supplies', { website: 'https://www.facebook.com/roadrunner' }),
    ]);
    expect(proposal.candidates).toEqual([]);
  });

  it('similar-name: close names are suggestions, scored by similarity', () => {
    const proposal = proposeMatches(manage({ name: 'Contoso Dental' }), [
      hudu(1, 'Contosso Dental'),
      hudu(2, 'Contoso Dental (old)'),
      hudu(3, 'Contoso Medical'),
    ]);
    expect(kinds(proposal)).toEqual([
      [1, ['similar-name']],
      [2, ['similar-name']],
    ]);
    const [first] = proposal.candidates;
    expect(first?.suggestionOnly).toBe(true);
    expect(first?.score).toBe(
      Math.round(MATCH_POINTS['similar-name'] * (first?.reasons[0]?.similarity ?? 0)),
    );
    expect(first?.reasons[0]?.detail).toMatch(/similar/);
  });

  it('similar-name: at most MAX_NAME_SUGGESTIONS, the most similar, unless they corroborate a stronger reason', () => {
    const many = Array.from({ length: 10 }, (_, i) => hudu(100 + i, `Acme Corporation Branch ${i}`));
    const proposal = proposeMatches(manage({ website: 'acme.com' }), [
      ...many,
      hudu(1, 'Acme Corporation North', { website: 'acme.com' }),
    ]);
    const suggestionsOnly = proposal.candidates.filter((c) =>
      c.reasons.every((r) => r.kind === 'similar-name'),
    );
    expect(suggestionsOnly).toHaveLength(MAX_NAME_SUGGESTIONS);
    expect(suggestionsOnly.map((c) => c.huduCompanyId)).toEqual([100, 101, 102, 103, 104]);
    expect(kinds(proposal)[0]).toEqual([1, ['domain', 'similar-name']]);
  });

  it('similar-name: the threshold and the number of suggestions are settings', () => {
    const huduCompanies = [hudu(1, 'Contoso Medical'), hudu(2, 'Contoso Dental Group')];
    const strict = proposeMatches(manage({ name: 'Contoso Dental' }), huduCompanies, {
      similarityThreshold: 0.99,
    });
    expect(strict.candidates).toEqual([]);
    const loose = proposeMatches(manage({ name: 'Contoso Dental' }), huduCompanies, {
      similarityThreshold: 0.5,
    });
    expect(loose.candidates.map((c) => c.huduCompanyId)).toEqual([2, 1]);
    const one = proposeMatches(manage({ name: 'Contoso Dental' }), huduCompanies, {
      similarityThreshold: 0.5,
      maxNameSuggestions: 1,
    });
    expect(one.candidates.map((c) => c.huduCompanyId)).toEqual([2]);
  });

  it('agreeing reasons add CORROBORATION_POINTS and rank a candidate higher within its tier', () => {
    const proposal = proposeMatches(manage({ website: 'acme.com' }), [
      hudu(1, 'Acme Corp', { website: 'www.acme.com', id_number: 'ACMECORP' }),
    ]);
    expect(kinds(proposal)).toEqual([[1, ['id-number', 'exact-name', 'domain']]]);
    expect(proposal.candidates[0]?.score).toBe(MATCH_POINTS['id-number'] + 2 * CORROBORATION_POINTS);
  });

  it('orders candidates by score, then strongest reason, then Hudu id', () => {
    const proposal = proposeMatches(
      manage({ website: 'acme.com' }),
      [
        hudu(9, 'Acme Corporation Europe'), // similar-name
        hudu(8, 'Roadrunner', { website: 'acme.com' }), // domain
        hudu(7, 'Wile E', { website: 'acme.com' }), // domain, lower id
        hudu(6, 'Acme Corp.'), // exact-name
      ],
      { links: new Map([[250, 5]]) },
    );
    expect(proposal.candidates.map((c) => c.huduCompanyId)).toEqual([6, 7, 8, 9]);
    expect(proposal.missingLinkedHuduCompanyId).toBe(5);
  });

  it('proposes archived Hudu companies, marked as archived', () => {
    const proposal = proposeMatches(manage(), [hudu(3, 'Acme Corp', { archived: true })]);
    expect(proposal.candidates[0]).toMatchObject({ huduCompanyId: 3, archived: true });
  });

  it('never matches names that normalise to nothing', () => {
    const proposal = proposeMatches(manage({ name: '!!!' }), [hudu(1, '???'), hudu(2, '')]);
    expect(proposal.candidates).toEqual([]);
    expect(proposal.normalisedName).toBe('');
  });

  it('proposes nothing against an empty Hudu', () => {
    expect(proposeMatches(manage(), [])).toMatchObject({ candidates: [], ambiguous: false, ambiguities: [] });
  });
});

describe('proposeMatches: ambiguity', () => {
  it('several Hudu companies with the same normalised name', () => {
    const proposal = proposeMatches(manage(), [
      hudu(3, 'ACME Corp.'),
      hudu(2, 'Acme, Inc.'),
      hudu(9, 'Zenith'),
    ]);
    expect(proposal.ambiguous).toBe(true);
    expect(proposal.ambiguities).toEqual([
      expect.objectContaining({ kind: 'duplicate-hudu-name', huduCompanyIds: [2, 3] }),
    ]);
    expect(proposal.exactMatch).toBeUndefined();
  });

  it('several Hudu companies with the id number', () => {
    const proposal = proposeMatches(manage(), [
      hudu(3, 'One', { id_number: 'acmecorp' }),
      hudu(4, 'Two', { id_number: '250' }),
    ]);
    expect(proposal.ambiguities).toEqual([
      expect.objectContaining({ kind: 'duplicate-id-number', huduCompanyIds: [3, 4] }),
    ]);
  });

  it('id number and name pointing to different Hudu companies', () => {
    const proposal = proposeMatches(manage(), [
      hudu(3, 'Zenith', { id_number: 'ACMECORP' }),
      hudu(4, 'Acme Corp'),
    ]);
    expect(proposal.ambiguities).toEqual([
      expect.objectContaining({ kind: 'conflicting-candidates', huduCompanyIds: [3, 4] }),
    ]);
    expect(proposal.exactMatch).toBeUndefined();
  });

  it('an exact match that another Manage company is linked to', () => {
    const proposal = proposeMatches(manage(), [hudu(3, 'Acme Corp')], { links: new Map([[17, 3]]) });
    expect(proposal.exactMatch).toEqual({ huduCompanyId: 3, basis: 'exact-name' });
    expect(proposal.ambiguities).toEqual([
      expect.objectContaining({
        kind: 'claimed-by-other-manage-company',
        huduCompanyIds: [3],
        manageCompanyIds: [17],
      }),
    ]);
  });

  it('an exact match that another Manage company claims (context.claims)', () => {
    const proposal = proposeMatches(manage(), [hudu(3, 'Acme Corp')], {
      claims: new Map([[3, [250, 31, 30]]]),
    });
    expect(proposal.ambiguities).toEqual([
      expect.objectContaining({ kind: 'claimed-by-other-manage-company', manageCompanyIds: [30, 31] }),
    ]);
  });

  it('a recorded link is never ambiguous: it was decided', () => {
    const proposal = proposeMatches(
      manage(),
      [hudu(3, 'Acme Corp'), hudu(4, 'ACME Corporation'), hudu(5, 'Zenith', { id_number: 'AcmeCorp' })],
      {
        links: new Map([
          [250, 5],
          [17, 5],
        ]),
      },
    );
    expect(proposal.exactMatch).toEqual({ huduCompanyId: 5, basis: 'existing-link' });
    expect(proposal.ambiguous).toBe(false);
    expect(proposal.candidates.map((c) => c.huduCompanyId)).toEqual([5, 3, 4]);
  });

  it('suggestions alone are not ambiguous', () => {
    const proposal = proposeMatches(manage({ website: 'acme.com' }), [
      hudu(3, 'Acme Corporation (HQ)'),
      hudu(4, 'ACME CORPORATION HQ'),
      hudu(5, 'Roadrunner', { website: 'acme.com' }),
    ]);
    expect(proposal.candidates).toHaveLength(3);
    expect(proposal.ambiguous).toBe(false);
  });
});

describe('proposeMatches: determinism', () => {
  const huduCompanies = [
    hudu(1, 'Acme Corp', { website: 'acme.com' }),
    hudu(2, 'ACME Corporation (HQ)'),
    hudu(3, 'Acme Corporation North'),
    hudu(4, 'Acme Corporatoin'),
    hudu(5, 'Roadrunner', { id_number: 'acmecorp' }),
    hudu(6, 'Zenith', { website: 'acme.com' }),
    hudu(7, 'Acme, Inc.'),
  ];

  it('does not depend on the order of the Hudu companies', () => {
    const expected = proposeMatches(manage({ website: 'www.acme.com' }), huduCompanies);
    const order = fc.uniqueArray(fc.integer(), {
      minLength: huduCompanies.length,
      maxLength: huduCompanies.length,
    });
    fc.assert(
      fc.property(order, (keys) => {
        const shuffled = huduCompanies
          .map((company, i) => ({ company, key: keys[i] ?? 0 }))
          .sort((a, b) => a.key - b.key)
          .map(({ company }) => company);
        expect(proposeMatches(manage({ website: 'www.acme.com' }), shuffled)).toEqual(expected);
      }),
    );
  });

  it('gives the same proposal with a prepared HuduCompanyIndex', () => {
    const index = new HuduCompanyIndex(huduCompanies);
    expect(index.size).toBe(huduCompanies.length);
    expect(proposeMatches(manage(), index)).toEqual(proposeMatches(manage(), huduCompanies));
  });
});

describe('proposeMatchesForAll', () => {
  const huduCompanies = [hudu(1, 'Acme Corporation'), hudu(2, 'Northwind Traders'), hudu(3, 'Fabrikam Inc.')];

  it('flags two Manage companies whose exact match is the same Hudu company', () => {
    const proposals = proposeMatchesForAll(
      [
        manage({ id: 10, identifier: 'ACME', name: 'Acme Corporation' }),
        manage({ id: 11, identifier: 'ACME2', name: 'ACME Corp.' }),
        manage({ id: 12, identifier: 'NW', name: 'Northwind Traders Ltd' }),
      ],
      huduCompanies,
    );
    expect(proposals.map((p) => p.manageCompanyId)).toEqual([10, 11, 12]);
    expect(proposals.map((p) => p.ambiguous)).toEqual([true, true, false]);
    expect(proposals[0]?.ambiguities).toEqual([
      expect.objectContaining({
        kind: 'claimed-by-other-manage-company',
        huduCompanyIds: [1],
        manageCompanyIds: [11],
      }),
    ]);
    expect(proposals[1]?.ambiguities[0]?.manageCompanyIds).toEqual([10]);
    expect(proposals[2]?.exactMatch).toEqual({ huduCompanyId: 2, basis: 'exact-name' });
  });

  it('counts an id-number match as an exact match too', () => {
    const proposals = proposeMatchesForAll(
      [
        manage({ id: 10, identifier: 'FAB', name: 'Fabrikam' }),
        manage({ id: 11, identifier: 'X', name: 'Zenith' }),
      ],
      [
        hudu(3, 'Fabrikam Inc.'),
        hudu(4, 'Other', { id_number: '11' }),
        hudu(5, 'Zenith Ltd', { id_number: 'FAB' }),
      ],
    );
    // 10: name → 3 but id number → 5 (conflict); 11: id number → 4 but name → 5 (conflict)
    expect(proposals.map((p) => p.ambiguities.map((a) => a.kind))).toEqual([
      ['conflicting-candidates'],
      ['conflicting-candidates'],
    ]);
  });

  it('keeps a recorded link and flags the other claimant only', () => {
    const proposals = proposeMatchesForAll(
      [manage({ id: 10, name: 'Old Name Ltd' }), manage({ id: 11, name: 'Acme Corporation' })],
      huduCompanies,
      new Map([[10, 1]]),
    );
    expect(proposals[0]).toMatchObject({
      exactMatch: { huduCompanyId: 1, basis: 'existing-link' },
      ambiguous: false,
    });
    expect(proposals[1]?.ambiguities).toEqual([
      expect.objectContaining({ kind: 'claimed-by-other-manage-company', manageCompanyIds: [10] }),
    ]);
  });

  it('leaves uncontested proposals as proposeMatches makes them', () => {
    const companies = [
      manage({ id: 12, name: 'Northwind Traders' }),
      manage({ id: 13, name: 'Brand New Co' }),
    ];
    const links = new Map([[99, 3]]);
    expect(proposeMatchesForAll(companies, huduCompanies, links)).toEqual(
      companies.map((company) => proposeMatches(company, huduCompanies, { links })),
    );
  });

  it('handles a messy realistic set', () => {
    const manageCompanies: ManageCompanyForMatching[] = [
      { id: 1, identifier: 'SmithJones', name: 'Smith & Jones' },
      {
        id: 2,
        identifier: 'MullerBack',
        name: 'Müller Bäckerei GmbH',
        website: 'http://www.mueller-baeckerei.de/',
      },
      { id: 3, identifier: 'Test', name: '株式会社テスト' },
      { id: 4, identifier: 'AcmeCorp', name: 'Acme Corporation' },
      { id: 5, identifier: 'ACMECorp2', name: 'ACME Corp.' },
      { id: 6, identifier: 'OBrien', name: "O'Brien & Sons, Ltd." },
      { id: 7, identifier: 'CafeZurich', name: 'Café Zürich S.A.' },
      { id: 8, identifier: 'BrandNew', name: 'Brand New Dental' },
    ];
    const hudus = [
      hudu(101, 'Smith and Jones'),
      hudu(102, 'Muller Backerei', { website: 'mueller-baeckerei.de' }),
      hudu(103, 'テスト株式会社'),
      hudu(104, 'Acme Corporation'),
      hudu(105, 'OBrien and Sons'),
      hudu(106, 'Cafe Zurich', { archived: true }),
      hudu(107, 'Harbor Realty'),
    ];
    const summary = proposeMatchesForAll(manageCompanies, hudus).map((p) => [
      p.manageCompanyId,
      p.exactMatch?.huduCompanyId ?? null,
      p.ambiguous,
      p.candidates.length,
    ]);
    expect(summary).toEqual([
      [1, 101, false, 1],
      [2, 102, false, 1],
      [3, 103, false, 1],
      [4, 104, true, 1],
      [5, 104, true, 1],
      [6, 105, false, 1],
      [7, 106, false, 1],
      [8, null, false, 0],
    ]);
  });
});
