import { expectedRecordCount, lostRecords, proportional, spread } from './records';

const expected = [
  { identifier: 'A', configurations: [{ name: 'pc' }, { name: 'pc' }], contacts: [{ name: 'Ada L' }] },
  { identifier: 'B', configurations: [{ name: 'srv' }], contacts: [] },
];

describe('records expected and lost', () => {
  it('counts companies and assets', () => {
    expect(expectedRecordCount(expected)).toBe(6);
    expect(expectedRecordCount([])).toBe(0);
  });

  it('loses nothing when Hudu has every company (by id number) and every asset name', () => {
    const state = {
      companies: [
        { id: 1, id_number: 'A' },
        { id: 2, id_number: 'B' },
        { id: 3, id_number: null },
      ],
      assets: [
        { company_id: 1, name: 'pc', archived: false },
        { company_id: 1, name: 'pc', archived: false },
        { company_id: 1, name: 'Ada L', archived: false },
        { company_id: 2, name: 'srv', archived: false },
      ],
    };
    expect(lostRecords(expected, state)).toBe(0);
  });

  it('a missing company loses itself and its assets; names count as a multiset; archived assets do not count', () => {
    const state = {
      companies: [{ id: 1, id_number: 'A' }],
      assets: [
        { company_id: 1, name: 'pc', archived: false },
        { company_id: 1, name: 'Ada L', archived: true },
        { company_id: 2, name: 'srv', archived: false },
      ],
    };
    // A: one "pc" and "Ada L" missing (2); B: company and its asset (2).
    expect(lostRecords(expected, state)).toBe(4);
  });
});

describe('picking changes', () => {
  it('spreads picks evenly, first one included', () => {
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([0, 3, 6]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
    expect(spread([1, 2], 0)).toEqual([]);
    expect(spread([], 2)).toEqual([]);
  });

  it('splits a total over kinds in proportion, summing exactly', () => {
    expect(proportional({ companies: 500, configurations: 10_000, contacts: 4_000 }, 145)).toEqual({
      companies: 5,
      configurations: 100,
      contacts: 40,
    });
    const split = proportional({ a: 1, b: 1, c: 1 }, 2);
    expect(Object.values(split).reduce((x, y) => x + y, 0)).toBe(2);
    expect(proportional({ a: 0, b: 0 }, 3)).toEqual({ a: 0, b: 0 });
  });
});
