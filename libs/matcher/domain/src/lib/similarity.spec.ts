import fc from 'fast-check';
import { bigramProfile, diceCoefficient, nameSimilarity, SIMILAR_NAME_THRESHOLD } from './similarity';

describe('nameSimilarity', () => {
  it.each([
    // same company, written differently: suggested
    ['Contoso', 'Contosso'],
    ['Tri-County Dental', 'TriCounty Dental'],
    ['Smith & Jones', 'Smith Jones'],
    ['Northwind Dental', 'Northwind Dental (old)'],
    ['Acme Corporation', 'Acme Corporation (HQ)'],
    ['Acme', 'ACME HQ'],
    ['Harbor Dental', 'Harbour Dental'],
    ['Blue Yonder Hotels', 'Blue Yonder Hotel'],
    ['Margie Travel', 'Margies Travel'],
    ['E.ON', 'EON'],
    ['Smith and Jones', 'Jones and Smith'],
  ])('%j ~ %j is suggested', (a, b) => {
    expect(nameSimilarity(a, b)).toBeGreaterThanOrEqual(SIMILAR_NAME_THRESHOLD);
  });

  it.each([
    // different companies that share words: not suggested
    ['Northwind Dental', 'Northwind Medical'],
    ['Fabrikam Law', 'Fabrikam IT'],
    ['Coho Winery', 'Coho Vineyard'],
    ['Summit Realty', 'Summit Brewing'],
    ['北京科技', '上海科技'],
    ['A', 'A B'],
    ['Acme', 'Zenith'],
  ])('%j ~ %j is not suggested', (a, b) => {
    expect(nameSimilarity(a, b)).toBeLessThan(SIMILAR_NAME_THRESHOLD);
  });

  it('is 1 for names that normalise alike and 0 for names without letters', () => {
    expect(nameSimilarity('Acme, Inc.', 'ACME')).toBe(1);
    expect(nameSimilarity('株式会社テスト', 'テスト')).toBe(1);
    expect(nameSimilarity('鹿', '鹿')).toBe(1);
    expect(nameSimilarity('鹿', '馬')).toBe(0);
    expect(nameSimilarity('!!!', 'Acme')).toBe(0);
    expect(nameSimilarity('', '')).toBe(0);
  });

  it('is symmetric and between 0 and 1', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = nameSimilarity(a, b);
        return s === nameSimilarity(b, a) && s >= 0 && s <= 1;
      }),
    );
  });
});

describe('diceCoefficient', () => {
  it('counts repeated bigrams once per occurrence', () => {
    expect(diceCoefficient(bigramProfile('aaaa'), bigramProfile('aa'))).toBeCloseTo((2 * 1) / (3 + 1));
    expect(diceCoefficient(bigramProfile('night'), bigramProfile('nacht'))).toBeCloseTo((2 * 1) / (4 + 4));
  });
});
