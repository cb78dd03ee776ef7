import fc from 'fast-check';
import { normaliseCompanyName, normalisedNameTokens } from './normalise-name';

describe('normaliseCompanyName', () => {
  describe.each<[string, Array<[string, string]>]>([
    [
      'case, whitespace and punctuation',
      [
        ['Acme', 'acme'],
        ['ACME', 'acme'],
        ['  Acme   Widgets  ', 'acme widgets'],
        ['Acme\tWidgets\nNorth', 'acme widgets north'],
        ['Acme\u00a0Widgets', 'acme widgets'],
        ['Acme Widgets.', 'acme widgets'],
        ['Acme Widgets!!!', 'acme widgets'],
        ['"Acme" Widgets', 'acme widgets'],
        ['Acme (Widgets)', 'acme widgets'],
        ['Acme - Widgets', 'acme widgets'],
        ['Tri-County Dental', 'tri county dental'],
        ['24/7 Plumbing', '24 7 plumbing'],
        ['3M-ish', '3m ish'],
        ['Acme_Widgets', 'acme widgets'],
        ['Acme…', 'acme'],
        ['Acme 🚀 Rockets', 'acme rockets'],
      ],
    ],
    [
      'apostrophes join, dotted abbreviations close up',
      [
        ["O'Brien", 'obrien'],
        ['O’Brien', 'obrien'],
        ['OBrien', 'obrien'],
        ['St. Mary’s Clinic', 'st marys clinic'],
        ['Rock’n’Roll', 'rocknroll'],
        ['Dr. Patel', 'dr patel'],
        ['A.B.C. Plumbing', 'abc plumbing'],
        ['ABC Plumbing', 'abc plumbing'],
        ['E.ON', 'e on'],
        ['Soft\u00adware', 'software'],
      ],
    ],
    [
      '& and + become "and"',
      [
        ['Smith & Jones', 'smith and jones'],
        ['Smith and Jones', 'smith and jones'],
        ['Smith&Jones', 'smith and jones'],
        ['A+B', 'a and b'],
        ['AT&T', 'at and t'],
        ['Smith ＆ Jones', 'smith and jones'],
      ],
    ],
    [
      'diacritics (Latin, Greek) and letters without a decomposition',
      [
        ['Müller Bäckerei GmbH', 'muller backerei'],
        ['Muller Backerei', 'muller backerei'],
        ['MÜLLER BÄCKEREI', 'muller backerei'],
        ['Café Zürich S.A.', 'cafe zurich'],
        ['Cafe\u0301 Zu\u0308rich', 'cafe zurich'],
        ['Évora', 'evora'],
        ['São Paulo', 'sao paulo'],
        ['Ñandú', 'nandu'],
        ['Kraków', 'krakow'],
        ['Łódź Logistyka', 'lodz logistyka'],
        ['Søren', 'soren'],
        ['Øresund', 'oresund'],
        ['Đà Nẵng', 'da nang'],
        ['Straße', 'strasse'],
        ['STRASSE', 'strasse'],
        ['STRAẞE', 'strasse'],
        ['Ærø', 'aero'],
        ['Œuvre', 'oeuvre'],
        ['Þór', 'thor'],
        ['İstanbul', 'istanbul'],
        ['Ōsaka', 'osaka'],
        ['Δέλτα', 'δελτα'],
        ['ΔΈΛΤΑ', 'δελτα'],
        ['ΟΔΟΣ', 'οδοσ'],
        ['οδος', 'οδοσ'],
      ],
    ],
    [
      'other scripts stay meaningful',
      [
        ['株式会社テスト', 'テスト'],
        ['テスト株式会社', 'テスト'],
        ['株式会社 テスト', 'テスト'],
        ['(株)テスト', 'テスト'],
        ['㈱テスト', 'テスト'],
        ['データ株式会社', 'データ'],
        ['株式会社', '株式会社'],
        ['北京', '北京'],
        ['北京科技有限公司', '北京科技'],
        ['Мир', 'мир'],
        ['ООО «Мир»', 'мир'],
        ['Йошкар', 'йошкар'],
        ['삼성전자 주식회사', '삼성전자'],
        ['(주)삼성', '삼성'],
        ['ＡＣＭＥ　Ｉｎｃ', 'acme'],
        ['ﬁnance', 'finance'],
        ['①②③', '123'],
        ['दिल्ली', 'दिल्ली'],
        ['القاهرة', 'القاهرة'],
      ],
    ],
    [
      'legal forms go when something remains',
      [
        ['Acme Inc', 'acme'],
        ['Acme Inc.', 'acme'],
        ['Acme, Inc.', 'acme'],
        ['Acme Incorporated', 'acme'],
        ['Acme LLC', 'acme'],
        ['Acme L.L.C.', 'acme'],
        ['Acme Ltd', 'acme'],
        ['Acme LTD', 'acme'],
        ['Acme Ltd.', 'acme'],
        ['Acme Limited', 'acme'],
        ['Acme GmbH', 'acme'],
        ['Acme GmbH & Co. KG', 'acme'],
        ['Acme Pty', 'acme'],
        ['Acme Pty Ltd', 'acme'],
        ['Acme SARL', 'acme'],
        ['Acme SA', 'acme'],
        ['Acme S.A.', 'acme'],
        ['Acme AG', 'acme'],
        ['Acme BV', 'acme'],
        ['Acme B.V.', 'acme'],
        ['Acme Co', 'acme'],
        ['Acme Co.', 'acme'],
        ['Acme Company', 'acme'],
        ['Acme Co., Ltd.', 'acme'],
        ['Acme Corp', 'acme'],
        ['ACME Corp.', 'acme'],
        ['Acme Corporation', 'acme'],
        ['Acme PLC', 'acme'],
        ['Acme plc', 'acme'],
        ['Acme K.K.', 'acme'],
        ['Acme KK', 'acme'],
        ['Acme Sp. z o.o.', 'acme'],
        ['Acme Sdn. Bhd.', 'acme'],
        ['Smith & Co', 'smith'],
        ['Smith & Co.', 'smith'],
        ['Smith and Company', 'smith'],
        ["O'Brien & Sons, Ltd.", 'obrien and sons'],
        ['The Acme Company', 'acme'],
        ['The Wine Co', 'wine'],
        ['THE ACME', 'acme'],
        ['Acme Inc (HQ)', 'acme inc hq'],
        ['Incorporated Widgets', 'incorporated widgets'],
        ['Coho Winery', 'coho winery'],
      ],
    ],
    [
      'nothing but a legal form keeps it',
      [
        ['Inc.', 'inc'],
        ['LLC', 'llc'],
        ['The', 'the'],
        ['The Co', 'co'],
        ['Co Ltd', 'co'],
        ['L.L.C.', 'llc'],
      ],
    ],
    [
      'nothing to keep',
      [
        ['', ''],
        ['   ', ''],
        ['!!!', ''],
        ['🚀', ''],
      ],
    ],
  ])('%s', (_group, cases) => {
    it.each(cases)('%j → %j', (name, expected) => expect(normaliseCompanyName(name)).toBe(expected));
  });

  it('makes the names users complain about equal', () => {
    const same: string[][] = [
      ['Acme Inc.', 'Acme Inc', 'ACME, INC', 'acme incorporated', 'Acme'],
      ['Northwind Ltd', 'NORTHWIND LIMITED', 'Northwind LTD.'],
      ['Müller Bäckerei GmbH', 'Müller Bäckerei', 'MULLER BACKEREI', 'Mu\u0308ller Ba\u0308ckerei'],
      ['Smith & Jones', 'Smith and Jones', 'SMITH + JONES'],
      ['株式会社テスト', 'テスト株式会社', '㈱テスト'],
    ];
    for (const names of same) expect(new Set(names.map(normaliseCompanyName)).size).toBe(1);
  });

  it('keeps different companies apart', () => {
    const different = [
      'Acme',
      'Acme Dental',
      'Acme Law',
      'Acne',
      'テスト',
      'テスタ',
      'Smith Jones',
      'Smith and Jones',
    ];
    expect(new Set(different.map(normaliseCompanyName)).size).toBe(different.length);
  });
});

describe('normalisedNameTokens', () => {
  it('splits the normalised name into words', () => {
    expect(normalisedNameTokens('The Acme Widget Co.')).toEqual(['acme', 'widget']);
    expect(normalisedNameTokens('!!!')).toEqual([]);
  });
});

describe('normaliseCompanyName regressions (counterexamples fast-check once found)', () => {
  it.each<[string, string]>([
    ['株式会社\u3099', '株式会社\u3099'], // a stray mark after a legal form must not become the name
    ['\ud835’\udd04', ''], // deleting the apostrophe must not pair two lone surrogates into 𝔄
    ['l.l.c.ẞ', 'llc ss'], // capital sharp s folds like ß and SS
    ['L.L.C.SS', 'llc ss'],
    ['ﹰ', 'ﹰ'], // NFKC turns it into a lone mark: keep the letter
    ['ʼ', 'ʼ'], // a modifier letter apostrophe alone is still a letter
  ])('%j → %j, and stays so', (name, expected) => {
    expect(normaliseCompanyName(name)).toBe(expected);
    expect(normaliseCompanyName(expected === '' ? name : expected)).toBe(expected);
    expect(normaliseCompanyName(name.toUpperCase())).toBe(expected);
    expect(normaliseCompanyName(name.toLowerCase())).toBe(expected);
  });
});

describe('normaliseCompanyName properties', () => {
  // Any text, company-name-like text (words, legal forms, punctuation, tricky letters), and lone surrogates.
  const tricky = fc
    .array(
      fc.constantFrom(
        'Acme',
        'müller',
        'ẞ',
        'ß',
        'İ',
        'ı',
        'Σ',
        'ς',
        'é',
        '\u0301',
        '\u3099',
        ' ',
        '  ',
        '.',
        ',',
        '&',
        '+',
        "'",
        '’',
        'ʼ',
        '-',
        '(',
        ')',
        '株式会社',
        '㈱',
        'テ',
        '가',
        'Æ',
        'ø',
        'Ł',
        '𝔄',
        '①',
        'ΐ',
        'ǅ',
        'Inc',
        'LLC',
        'the',
        ' co',
        'l.l.c.',
        'S.A',
        '\ud835',
        '\udd04',
        '\u200d',
        'ﹰ',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));
  const names = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.string({ unit: 'grapheme' }),
    tricky,
  );
  const runs = { numRuns: 2_000 };

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        names,
        (name) => normaliseCompanyName(normaliseCompanyName(name)) === normaliseCompanyName(name),
      ),
      runs,
    );
  });

  it('ignores case', () => {
    fc.assert(
      fc.property(names, (name) => {
        const normalised = normaliseCompanyName(name);
        return (
          normaliseCompanyName(name.toUpperCase()) === normalised &&
          normaliseCompanyName(name.toLowerCase()) === normalised
        );
      }),
      runs,
    );
  });

  it('ignores extra whitespace', () => {
    const padded = (name: string) => `\t ${name.replace(/\s+/g, (space) => `${space}\u00a0 `)}\n `;
    fc.assert(
      fc.property(names, (name) => normaliseCompanyName(padded(name)) === normaliseCompanyName(name)),
      runs,
    );
  });

  it('ignores trailing punctuation', () => {
    const punctuation = fc.constantFrom('.', ',', ';', ':', '!', '?', '-', '…', '。', "'", '’', '"');
    fc.assert(
      fc.property(
        names,
        punctuation,
        (name, mark) => normaliseCompanyName(name + mark) === normaliseCompanyName(name),
      ),
      runs,
    );
  });

  it('is never empty for a name with a letter or digit, in any script', () => {
    const withLetter = fc
      .tuple(names, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), names)
      .map(([before, ch, after]) => before + ch + after)
      .filter((name) => /[\p{L}\p{N}]/u.test(name));
    fc.assert(
      fc.property(withLetter, (name) => normaliseCompanyName(name) !== ''),
      runs,
    );
  });

  it('yields words of letters, digits and marks separated by single spaces', () => {
    fc.assert(
      fc.property(names, (name) => {
        const normalised = normaliseCompanyName(name);
        return (
          normalised === '' ||
          /^[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?: [\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*$/u.test(normalised)
        );
      }),
      runs,
    );
  });
});
