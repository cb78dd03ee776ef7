import { HUDU_SEED_LAYOUTS, huduSeed, normalisedSeedName, type HuduSeedManageCompany } from './hudu-seed';

const manageCompanies: HuduSeedManageCompany[] = Array.from({ length: 40 }, (_, i) => ({
  id: 250 + i,
  identifier: `Company${i}`,
  name: [`Contoso ${i} Ltd`, `Fabrikam & Sons ${i}`, `Northwind ${i}, Inc.`, `Adatum ${i} LLC`][
    i % 4
  ] as string,
  website: `company${i}.example`,
}));

describe('huduSeed', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(huduSeed({ seed: 7, manageCompanies })).toEqual(huduSeed({ seed: 7, manageCompanies }));
    expect(huduSeed({ seed: 7, manageCompanies }).companies).not.toEqual(
      huduSeed({ seed: 8, manageCompanies }).companies,
    );
  });

  it('names every company uniquely, as Hudu requires', () => {
    for (const seed of [1, 2, 3, 'x']) {
      const names = huduSeed({ seed, manageCompanies }).companies.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('has exact, approximate, unrelated and normalised-duplicate companies', () => {
    const { companies } = huduSeed({ seed: 1, manageCompanies });
    const byKind = (kind: string) => companies.filter((c) => c.kind === kind);
    const manageNames = new Set(manageCompanies.map((c) => c.name));
    expect(byKind('exact').length).toBeGreaterThan(0);
    for (const c of byKind('exact')) expect(manageNames.has(c.name)).toBe(true);
    expect(byKind('approximate').length).toBeGreaterThan(0);
    for (const c of byKind('approximate')) {
      expect(manageNames.has(c.name)).toBe(false);
      expect(c.manageCompanyId).not.toBeNull();
    }
    expect(byKind('unrelated').length).toBeGreaterThanOrEqual(3);
    const duplicates = byKind('duplicate-normalised').map((c) => normalisedSeedName(c.name));
    expect(duplicates.length).toBe(4);
    expect(new Set(duplicates).size).toBe(2);
  });

  it('has active Configurations and Contacts layouts and an inactive one', () => {
    const { assetLayouts } = huduSeed({ seed: 1, manageCompanies: [] });
    const byName = new Map(assetLayouts.map((l) => [l.name, l]));
    expect(byName.get(HUDU_SEED_LAYOUTS.configurations)?.active).toBe(true);
    expect(byName.get(HUDU_SEED_LAYOUTS.contacts)?.active).toBe(true);
    expect(byName.get(HUDU_SEED_LAYOUTS.inactive)?.active).toBe(false);
    expect(byName.get(HUDU_SEED_LAYOUTS.configurations)?.fields.map((f) => f.label)).toEqual(
      expect.arrayContaining(['Serial Number', 'Model', 'Manufacturer', 'IP Address', 'OS', 'Notes']),
    );
    expect(byName.get(HUDU_SEED_LAYOUTS.contacts)?.fields.map((f) => f.label)).toEqual(
      expect.arrayContaining(['Email', 'Phone', 'Title']),
    );
  });

  it('works without Manage companies', () => {
    const { companies } = huduSeed({ seed: 3, manageCompanies: [] });
    expect(companies.every((c) => c.manageCompanyId === null)).toBe(true);
    expect(companies.length).toBeGreaterThan(3);
  });
});
