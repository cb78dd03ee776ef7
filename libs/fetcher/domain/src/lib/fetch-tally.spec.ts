import { FetchTally, nextWatermark } from './fetch-tally';

describe('FetchTally', () => {
  it('counts reads and outcomes per kind', () => {
    const tally = new FetchTally();
    tally.record('company', { action: 'emit' });
    tally.record('company', { action: 'unchanged' });
    tally.record('company', { action: 'remove' });
    tally.record('configuration', { action: 'skip' });
    tally.record('contact', { action: 'reject' });
    tally.removedMissing('contact', 2);
    tally.removedMissing('contact', 0);
    expect(tally.toCounts()).toEqual({
      'company.fetched': 1,
      'company.read': 3,
      'company.removed': 1,
      'company.unchanged': 1,
      'configuration.read': 1,
      'configuration.skipped': 1,
      'contact.invalid': 1,
      'contact.read': 1,
      'contact.removed': 2,
    });
    expect(tally.get('company', 'read')).toBe(3);
    expect(tally.get('contact', 'fetched')).toBe(0);
  });

  it('lists configuration types by id with counts, including known types nothing uses', () => {
    const tally = new FetchTally();
    tally.knownType(2, 'Laptop');
    tally.knownType(1, 'Managed Server');
    tally.knownType(9, 'Fax Machine');
    tally.configurationOfType(1, 'Managed Server');
    tally.configurationOfType(1, 'Managed Server');
    tally.configurationOfType(2, 'Laptop');
    tally.configurationOfType(12, 'Not in the type list');
    tally.knownType(12, 'Renamed meanwhile');
    expect(tally.configurationTypes()).toEqual([
      { id: 1, name: 'Managed Server', count: 2 },
      { id: 2, name: 'Laptop', count: 1 },
      { id: 9, name: 'Fax Machine', count: 0 },
      { id: 12, name: 'Renamed meanwhile', count: 1 },
    ]);
  });

  it('bounds type names as the contract requires and fills a missing name', () => {
    const tally = new FetchTally();
    tally.knownType(1, 'x'.repeat(300));
    tally.knownType(2, '');
    tally.configurationOfType(2, 'Named by a record');
    expect(tally.configurationTypes()[0]!.name).toHaveLength(200);
    expect(tally.configurationTypes()[1]!.name).toBe('Named by a record');
  });
});

describe('nextWatermark', () => {
  it('is the latest stamp seen, never moving backwards', () => {
    expect(nextWatermark(undefined, [])).toBeUndefined();
    expect(
      nextWatermark(undefined, [
        '2024-01-01T00:00:00Z',
        undefined,
        '2024-03-01T00:00:00Z',
        '2024-02-01T00:00:00Z',
      ]),
    ).toBe('2024-03-01T00:00:00Z');
    expect(nextWatermark('2025-01-01T00:00:00Z', ['2024-03-01T00:00:00Z'])).toBe('2025-01-01T00:00:00Z');
    expect(nextWatermark('2025-01-01T00:00:00Z', ['2025-01-01T00:00:01Z'])).toBe('2025-01-01T00:00:01Z');
  });

  it('ignores stamps that are not dates, and replaces a previous one that is not', () => {
    expect(nextWatermark(undefined, ['yesterday'])).toBeUndefined();
    expect(nextWatermark('garbage', ['2024-01-01T00:00:00Z'])).toBe('2024-01-01T00:00:00Z');
    expect(nextWatermark('garbage', [])).toBeUndefined();
  });
});
