import { type Layout, resolveLayout } from './layouts';

const layouts: Layout[] = [
  { id: 1, name: 'Configurations', active: true, fields: [] },
  { id: 2, name: 'Contacts', active: true, fields: [] },
  { id: 3, name: 'Legacy Devices', active: false, fields: [] },
];

describe('resolveLayout', () => {
  it('finds a layout by name, case- and space-insensitively', () => {
    expect(resolveLayout('contact', ' contacts ', layouts)).toEqual({ ok: true, layout: layouts[1] });
  });
  it('finds a layout by id', () => {
    expect(resolveLayout('configuration', '1', layouts)).toEqual({ ok: true, layout: layouts[0] });
  });
  it('blocks a missing layout, naming it', () => {
    const result = resolveLayout('configuration', 'Devices', layouts);
    expect(result).toMatchObject({ ok: false, problem: 'missing' });
    expect(!result.ok && result.reason).toContain('"Devices" does not exist');
  });
  it('blocks an inactive layout, naming it', () => {
    const result = resolveLayout('configuration', 'Legacy Devices', layouts);
    expect(result).toMatchObject({ ok: false, problem: 'inactive' });
    expect(!result.ok && result.reason).toContain('"Legacy Devices" (id 3) is inactive');
  });
  it('prefers an active layout when two share a name', () => {
    const twins: Layout[] = [
      { id: 8, name: 'Contacts', active: false, fields: [] },
      { id: 9, name: 'Contacts', active: true, fields: [] },
    ];
    expect(resolveLayout('contact', 'Contacts', twins)).toEqual({ ok: true, layout: twins[1] });
  });
  it('an unknown numeric id is missing', () => {
    expect(resolveLayout('contact', '99', layouts)).toMatchObject({ ok: false, problem: 'missing' });
  });
});
