import { manageDataset } from './manage-dataset';
import { expectedContactName, expectedHuduState } from './expected-hudu-state';

describe('expectedHuduState', () => {
  const dataset = manageDataset({ size: 'small', seed: 1 });
  const all = expectedHuduState(dataset);

  it('includes every company that is not soft-deleted, once', () => {
    const live = dataset.companies.filter((c) => !c.deletedFlag);
    expect(all.map((c) => c.manageId).sort()).toEqual(live.map((c) => c.id).sort());
    expect(new Set(all.map((c) => c.identifier)).size).toBe(all.length);
  });

  it('archives inactive companies, or leaves them out when skipped', () => {
    const inactive = all.filter((c) => c.archived);
    expect(inactive.length).toBeGreaterThan(0);
    const skipped = expectedHuduState(dataset, { skipInactiveCompanies: true });
    expect(skipped).toHaveLength(all.length - inactive.length);
    expect(skipped.some((c) => c.archived)).toBe(false);
  });

  it('counts every configuration and contact of imported companies', () => {
    const configurations = all.reduce((n, c) => n + c.configurations.length, 0);
    const contacts = all.reduce((n, c) => n + c.contacts.length, 0);
    let expectedConfigurations = 0;
    let expectedContacts = 0;
    for (const company of dataset.companies.filter((c) => !c.deletedFlag)) {
      expectedConfigurations += [...dataset.configurationsOf(company)].length;
      expectedContacts += [...dataset.contactsOf(company)].length;
    }
    expect(configurations).toBe(expectedConfigurations);
    expect(contacts).toBe(expectedContacts);
  });

  it('applies the skip options and blocked kinds', () => {
    const typeId = dataset.configurationTypes[0]!.id;
    const skippedType = expectedHuduState(dataset, { skippedConfigurationTypeIds: [typeId] });
    const ofType = [...dataset.configurations()].filter((c) => c.type.id === typeId).map((c) => c.id);
    const remaining = skippedType.flatMap((c) => c.configurations.map((a) => a.manageId));
    expect(remaining.some((id) => ofType.includes(id))).toBe(false);
    expect(expectedHuduState(dataset, { skipContacts: true }).every((c) => c.contacts.length === 0)).toBe(
      true,
    );
    expect(
      expectedHuduState(dataset, { skipConfigurations: true }).every((c) => c.configurations.length === 0),
    ).toBe(true);
    expect(
      expectedHuduState(dataset, { blockedKinds: ['contact'] }).every((c) => c.contacts.length === 0),
    ).toBe(true);
    const first = all[0]!;
    expect(
      expectedHuduState(dataset, { ignoredCompanyIds: [first.manageId] }).map((c) => c.manageId),
    ).not.toContain(first.manageId);
  });

  it('names contacts "First Last", tolerating missing parts', () => {
    expect(expectedContactName({ firstName: 'Ada', lastName: 'Lovelace' })).toBe('Ada Lovelace');
    expect(expectedContactName({ firstName: ' Ada ' })).toBe('Ada');
    expect(expectedContactName({ lastName: 'Lovelace' })).toBe('Lovelace');
  });
});
