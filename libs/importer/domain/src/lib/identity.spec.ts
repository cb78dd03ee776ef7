import { adoptionKey, type AssetCandidate, findAdoptable, findPendingCreate } from './identity';

const target = { companyId: 1, layoutId: 10 };
const asset = (over: Partial<AssetCandidate>): AssetCandidate => ({
  id: 100,
  company_id: 1,
  asset_layout_id: 10,
  name: 'DC01',
  primary_serial: 'SN1',
  primary_mail: null,
  created_at: '2026-01-01T10:00:00.000Z',
  ...over,
});

describe('findAdoptable (configurations)', () => {
  const mapped = { name: 'dc01 ', primary_serial: 'sn1' };
  it('adopts same company, layout, name and serial', () => {
    expect(findAdoptable('configuration', mapped, target, [asset({})])?.id).toBe(100);
  });
  it('never keys on a blank serial', () => {
    expect(
      findAdoptable('configuration', { name: 'DC01', primary_serial: ' ' }, target, [
        asset({ primary_serial: '' }),
      ]),
    ).toBeUndefined();
    expect(
      findAdoptable('configuration', { name: 'DC01', primary_serial: null }, target, [
        asset({ primary_serial: null }),
      ]),
    ).toBeUndefined();
  });
  it('needs the name to agree too', () => {
    expect(findAdoptable('configuration', mapped, target, [asset({ name: 'DC02' })])).toBeUndefined();
  });
  it('ignores other companies and layouts', () => {
    expect(
      findAdoptable('configuration', mapped, target, [
        asset({ company_id: 2 }),
        asset({ asset_layout_id: 11 }),
      ]),
    ).toBeUndefined();
  });
  it('does not guess between two candidates', () => {
    expect(findAdoptable('configuration', mapped, target, [asset({}), asset({ id: 101 })])).toBeUndefined();
  });
  it('needs a name', () => {
    expect(
      findAdoptable('configuration', { name: '', primary_serial: 'SN1' }, target, [asset({ name: '' })]),
    ).toBeUndefined();
  });
});

describe('findAdoptable (contacts)', () => {
  const contact = (over: Partial<AssetCandidate>) =>
    asset({ name: 'Ada Lovelace', primary_serial: null, primary_mail: 'ada@x.example', ...over });
  const mapped = { name: 'Ada Lovelace', primary_mail: 'ADA@x.example' };
  it('adopts by name and a unique e-mail', () => {
    expect(findAdoptable('contact', mapped, target, [contact({})])?.id).toBe(100);
  });
  it('does not adopt when the e-mail is not unique in the company', () => {
    expect(
      findAdoptable('contact', mapped, target, [contact({}), contact({ id: 101, name: 'Ada L.' })]),
    ).toBeUndefined();
  });
  it('never keys on a blank e-mail', () => {
    expect(
      findAdoptable('contact', { name: 'Ada Lovelace', primary_mail: null }, target, [
        contact({ primary_mail: null }),
      ]),
    ).toBeUndefined();
  });
});

describe('findPendingCreate', () => {
  const since = new Date('2026-01-01T10:00:00.000Z');
  it('finds the asset created since the pending mark by name (no key needed)', () => {
    const found = findPendingCreate({ name: 'DC01' }, target, since, [asset({ primary_serial: null })], 0);
    expect(found?.id).toBe(100);
  });
  it('ignores assets created before the mark (beyond the slack)', () => {
    expect(
      findPendingCreate(
        { name: 'DC01' },
        target,
        since,
        [asset({ created_at: '2026-01-01T09:00:00.000Z' })],
        1_000,
      ),
    ).toBeUndefined();
  });
  it('does not guess between two', () => {
    expect(findPendingCreate({ name: 'DC01' }, target, since, [asset({}), asset({ id: 2 })])).toBeUndefined();
  });
});

describe('adoptionKey', () => {
  const target = { companyId: 7, layoutId: 3 };
  it('is the same for names that fold alike in one company and layout', () => {
    expect(adoptionKey({ name: 'PC  One' }, target)).toBe(adoptionKey({ name: 'pc one' }, target));
  });
  it('differs across names, companies and layouts', () => {
    const key = adoptionKey({ name: 'PC' }, target);
    expect(adoptionKey({ name: 'PC2' }, target)).not.toBe(key);
    expect(adoptionKey({ name: 'PC' }, { companyId: 8, layoutId: 3 })).not.toBe(key);
    expect(adoptionKey({ name: 'PC' }, { companyId: 7, layoutId: 4 })).not.toBe(key);
  });
});
