import fc from 'fast-check';
import { uniqueHuduName } from './unique-name';

describe('uniqueHuduName', () => {
  it.each<[string, string, string[], string]>([
    ['Acme Corporation', 'ACME', [], 'Acme Corporation'],
    ['Acme Corporation', 'ACME', ['Zenith'], 'Acme Corporation'],
    ['  Acme   Corporation ', 'ACME', [], 'Acme Corporation'],
    ['Acme Corporation', 'ACME', ['Acme Corporation'], 'Acme Corporation (ACME)'],
    ['Acme Corporation', 'ACME', ['acme corporation '], 'Acme Corporation (ACME)'],
    [
      'Acme Corporation',
      'ACME',
      ['Acme Corporation', 'Acme Corporation (ACME)'],
      'Acme Corporation (ACME) (2)',
    ],
    [
      'Acme Corporation',
      'ACME',
      ['Acme Corporation', 'ACME CORPORATION (acme)', 'Acme Corporation (ACME) (2)'],
      'Acme Corporation (ACME) (3)',
    ],
    ['Acme Corporation', '', ['Acme Corporation'], 'Acme Corporation (2)'],
    ['Acme Corporation (ACME)', 'ACME', ['Acme Corporation (ACME)'], 'Acme Corporation (ACME) (2)'],
    ['', 'ACME', [], 'ACME'],
    ['', 'ACME', ['ACME'], 'ACME (2)'],
    ['Ａｃｍｅ', 'ACME', ['Acme'], 'Ａｃｍｅ (ACME)'],
    ['株式会社テスト', 'TEST', ['株式会社テスト'], '株式会社テスト (TEST)'],
  ])('%j (%s) among %j → %j', (name, identifier, existing, expected) => {
    expect(uniqueHuduName(name, identifier, existing)).toBe(expected);
  });

  it('returns a name nobody has, however many are taken', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ maxLength: 30 }),
        fc.array(fc.string(), { maxLength: 20 }),
        (name, id, more) => {
          const existing = [name, `${name} (${id})`, ...more];
          const chosen = uniqueHuduName(name, id, existing);
          const key = (n: string) => n.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
          return !existing.map(key).includes(key(chosen));
        },
      ),
    );
  });

  it('accepts any iterable of existing names, such as a Set', () => {
    expect(uniqueHuduName('Acme', 'A1', new Set(['Acme']))).toBe('Acme (A1)');
  });
});
