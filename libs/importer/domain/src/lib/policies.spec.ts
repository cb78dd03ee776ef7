import { type ImportOptions, planCompany, routeRecord, skipReason } from './policies';

const options = (over: Partial<ImportOptions> = {}): ImportOptions => ({
  skipInactiveCompanies: false,
  skipContacts: false,
  skipConfigurations: false,
  skippedConfigurationTypeIds: [],
  ...over,
});
const active = { inactive: false, deleted: false };
const inactive = { inactive: true, deleted: false };

describe('planCompany', () => {
  it('ignores an ignored match', () => {
    expect(planCompany('ignore', active, options())).toEqual({ action: 'ignore' });
  });
  it('imports an active company live', () => {
    expect(planCompany('create', active, options())).toEqual({ action: 'import', archived: false });
  });
  it('imports an inactive company archived unless skipped', () => {
    expect(planCompany('link', inactive, options())).toEqual({ action: 'import', archived: true });
    expect(planCompany('link', inactive, options({ skipInactiveCompanies: true }))).toMatchObject({
      action: 'skip',
    });
  });
  it('archives a deleted company', () => {
    expect(planCompany('link', { inactive: false, deleted: true }, options())).toEqual({
      action: 'import',
      archived: true,
    });
  });
});

describe('routeRecord', () => {
  const imported = { state: 'imported', huduCompanyId: 5 } as const;
  it('imports into the decided company', () => {
    expect(routeRecord('contact', {}, imported, options())).toEqual({ route: 'import', huduCompanyId: 5 });
  });
  it('parks records of an undecided company', () => {
    expect(routeRecord('configuration', { typeId: 1 }, { state: 'undecided' }, options())).toEqual({
      route: 'park',
      reason: 'undecided',
    });
  });
  it('drops records of an ignored company', () => {
    expect(routeRecord('contact', {}, { state: 'ignored' }, options())).toMatchObject({ route: 'drop' });
  });
  it('skips records of a skipped inactive company', () => {
    expect(routeRecord('contact', {}, { state: 'skipped' }, options())).toMatchObject({ route: 'skip' });
  });
  it('skips by option before anything else (nothing parked needlessly)', () => {
    expect(routeRecord('contact', {}, { state: 'undecided' }, options({ skipContacts: true }))).toMatchObject(
      {
        route: 'skip',
      },
    );
  });
});

describe('skipReason', () => {
  it('skips contacts and configurations by option', () => {
    expect(skipReason('contact', {}, options({ skipContacts: true }))).toMatch(/skipContacts/);
    expect(skipReason('contact', {}, options({ skipConfigurations: true }))).toBeUndefined();
    expect(skipReason('configuration', { typeId: 2 }, options({ skipConfigurations: true }))).toMatch(
      /skipConfigurations/,
    );
  });
  it('skips configuration types by id', () => {
    expect(skipReason('configuration', { typeId: 2 }, options({ skippedConfigurationTypeIds: [2] }))).toMatch(
      /type 2/,
    );
    expect(
      skipReason('configuration', { typeId: 3 }, options({ skippedConfigurationTypeIds: [2] })),
    ).toBeUndefined();
  });
});
