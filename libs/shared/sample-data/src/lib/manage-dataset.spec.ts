import type { components } from 'connectwise-rest/dist/ManageTypes';
import { manageDataset, manageDatasetSizes } from './manage-dataset';
import type {
  ManageCompany,
  ManageCompanyStatus,
  ManageConfiguration,
  ManageConfigurationStatus,
  ManageConfigurationType,
  ManageContact,
} from './manage-records';

type Schemas = components['schemas'];

// Compile-time proof that the sample records fit the official (2022.1) schema shipped by connectwise-rest.
// If a field name or type drifts from Manage's, this file stops compiling. The spec types custom-field
// `value` and question `answer` as objects, while live Manage sends strings, numbers or null (see the
// contacts-list fixture): those two follow live and are left out of the check.
const asOfficial = {
  company: (r: ManageCompany): Schemas['Company'] => ({ ...r, customFields: undefined }),
  configuration: (r: ManageConfiguration): Omit<Schemas['Company.Configuration'], 'questions'> => {
    const { questions: _questions, ...rest } = r;
    return rest;
  },
  contact: (r: ManageContact): Schemas['Contact'] => ({ ...r, customFields: undefined }),
  companyStatus: (r: ManageCompanyStatus): Schemas['CompanyStatus'] => r,
  configurationType: (r: ManageConfigurationType): Schemas['ConfigurationType'] => r,
  configurationStatus: (r: ManageConfigurationStatus): Schemas['ConfigurationStatus'] => r,
};

describe('manageDataset', () => {
  const small = manageDataset({ size: 'small', seed: 42 });

  it('has the counts of its size', () => {
    expect(small.companies).toHaveLength(20);
    expect([...small.configurations()]).toHaveLength(200);
    expect([...small.contacts()]).toHaveLength(60);
    expect(manageDatasetSizes.medium).toEqual({ companies: 500, configurations: 10_000, contacts: 4_000 });
  });

  it('is deterministic by (size, seed) and differs by seed', () => {
    const again = manageDataset({ size: 'small', seed: 42 });
    expect(JSON.stringify(again.companies)).toBe(JSON.stringify(small.companies));
    expect(JSON.stringify([...again.configurations()])).toBe(JSON.stringify([...small.configurations()]));
    expect(JSON.stringify([...again.contacts()])).toBe(JSON.stringify([...small.contacts()]));
    const other = manageDataset({ size: 'small', seed: 43 });
    expect(JSON.stringify([...other.configurations()])).not.toBe(JSON.stringify([...small.configurations()]));
  });

  it('computes a company’s records on demand, the same as the full walk', () => {
    const company = small.companies.find((c) => [...small.configurationsOf(c)].length > 0)!;
    const own = [...small.configurationsOf(company)];
    expect(own.every((c) => c.company.id === company.id)).toBe(true);
    const fromWalk = [...small.configurations()].filter((c) => c.company.id === company.id);
    expect(fromWalk).toEqual(own);
  });

  it('keeps ids unique and ascending', () => {
    for (const list of [small.companies, [...small.configurations()], [...small.contacts()]]) {
      const ids = list.map((r) => r.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('carries realistic mess', () => {
    const names = small.companies.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['Smith & Jones', 'Müller Bäckerei GmbH', '株式会社テスト']),
    );
    expect(names.filter((n) => n === 'Acme Corporation')).toHaveLength(2);
    expect(new Set(small.companies.map((c) => c.identifier.toLowerCase())).size).toBe(20);

    const medium = manageDataset({ size: 'medium', seed: 7 });
    expect(medium.companies.some((c) => c.deletedFlag === true && c.dateDeleted !== undefined)).toBe(true);
    const inactiveStatusIds = new Set(medium.companyStatuses.filter((s) => s.inactiveFlag).map((s) => s.id));
    expect(medium.companies.some((c) => c.status && inactiveStatusIds.has(c.status.id))).toBe(true);
    const contacts = [...medium.contacts()];
    expect(contacts.some((c) => !('lastName' in c))).toBe(true);
    expect(contacts.some((c) => !c.communicationItems?.some((i) => i.communicationType === 'Email'))).toBe(
      true,
    );
    const emails = contacts
      .flatMap((c) => c.communicationItems ?? [])
      .filter((i) => i.communicationType === 'Email');
    expect(new Set(emails.map((e) => e.value)).size).toBeLessThan(emails.length);
    const configurations = [...medium.configurations()];
    expect(new Set(configurations.map((c) => c.type.id)).size).toBeGreaterThan(8);
    expect(configurations.some((c) => !c.activeFlag)).toBe(true);
    expect(configurations.some((c) => (c.notes?.length ?? 0) > 1000)).toBe(true);
    expect(medium.configurationTypes.some((t) => t.inactiveFlag)).toBe(true);
  });

  it('omits unset fields and stamps _info.lastUpdated as ISO without millis', () => {
    const records = [...small.companies, ...small.configurations(), ...small.contacts()];
    for (const record of records) {
      expect(record._info.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(JSON.stringify(record)).not.toContain('null');
    }
    const contact = [...small.contacts()][0]!;
    expect(asOfficial.contact(contact).firstName).toBe(contact.firstName);
    expect(asOfficial.company(small.companies[0]!).identifier).toBe(small.companies[0]!.identifier);
    expect(asOfficial.configuration([...small.configurations()][0]!).name).toBeTruthy();
    expect(asOfficial.companyStatus(small.companyStatuses[0]!).name).toBe('Active');
    expect(asOfficial.configurationType(small.configurationTypes[0]!).name).toBeTruthy();
    expect(asOfficial.configurationStatus(small.configurationStatuses[0]!).description).toBe('Active');
  });
});
