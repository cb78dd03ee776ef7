import fc from 'fast-check';
import {
  ConditionError,
  type FieldCatalogue,
  conditionsPredicate,
  parseConditions,
  readPath,
  tokenize,
} from './conditions';

const catalogue: FieldCatalogue = {
  resource: 'company',
  kinds: {
    id: 'number',
    name: 'string',
    identifier: 'string',
    deletedFlag: 'boolean',
    lastUpdated: 'date',
    '_info/lastUpdated': 'date',
    'status/id': 'number',
    'status/name': 'string',
    'company/name': 'string',
    annualRevenue: 'number',
    dateAcquired: 'date',
  },
  read: readPath,
};

const records = [
  {
    id: 1,
    name: 'Smith & Jones',
    identifier: 'SMITHJONES',
    deletedFlag: false,
    status: { id: 1, name: 'Active' },
    _info: { lastUpdated: '2024-01-01T00:00:00Z' },
    annualRevenue: 1000,
  },
  {
    id: 2,
    name: 'Müller Bäckerei GmbH',
    identifier: 'MULLER',
    deletedFlag: true,
    status: { id: 2, name: 'Inactive' },
    _info: { lastUpdated: '2024-06-01T12:00:00Z' },
  },
  {
    id: 3,
    name: '株式会社テスト',
    identifier: 'CO',
    deletedFlag: false,
    status: { id: 1, name: 'Active' },
    _info: { lastUpdated: '2025-01-01T00:00:00Z' },
    annualRevenue: 5.5,
  },
  {
    id: 4,
    name: 'Acme "Quoted" [Corp]',
    identifier: 'ACME',
    deletedFlag: false,
    _info: { lastUpdated: '2023-01-01T00:00:00Z' },
  },
  {
    id: 5,
    name: '100% Pure',
    identifier: 'PURE',
    deletedFlag: false,
    status: { id: 3, name: 'Not-Approved' },
    _info: { lastUpdated: '2024-01-01T00:00:01Z' },
  },
];

const ids = (conditions: string) =>
  records.filter(conditionsPredicate(conditions, catalogue)).map((r) => r.id);

describe('conditions tokenizer', () => {
  it('splits operators, literals and paths', () => {
    const tokens = tokenize(
      `status/id>=2 AND name != "x y" or lastUpdated < [2024-01-01T00:00:00Z] and id in (1,2)`,
    );
    expect(tokens.map((t) => t.type)).toEqual([
      'word',
      'op',
      'literal',
      'word',
      'word',
      'op',
      'literal',
      'word',
      'word',
      'op',
      'literal',
      'word',
      'word',
      'word',
      'lparen',
      'literal',
      'comma',
      'literal',
      'rparen',
    ]);
  });

  it('reads single-quoted strings, escapes, negatives and decimals', () => {
    const tokens = tokenize(`'it\\'s' -12.5 "a\\"b"`);
    expect(tokens).toEqual([
      expect.objectContaining({ value: { kind: 'string', value: "it's" } }),
      expect.objectContaining({ value: { kind: 'number', value: -12.5 } }),
      expect.objectContaining({ value: { kind: 'string', value: 'a"b' } }),
    ]);
  });

  it.each([
    ['name = "open', /Unterminated string/],
    ['lastUpdated > [2024-01-01', /Unterminated date/],
    ['lastUpdated > [yesterday]', /Unsupported format/],
    ['name = #', /Unexpected character/],
    ['name ! "x"', /Unexpected character/],
  ])('rejects %s', (text, message) => {
    expect(() => parseConditions(text)).toThrow(message);
  });
});

describe('conditions parser', () => {
  it('gives and precedence over or', () => {
    expect(parseConditions('id = 1 or id = 2 and deletedFlag = true')).toEqual({
      type: 'or',
      left: expect.objectContaining({ type: 'compare', field: 'id' }),
      right: { type: 'and', left: expect.anything(), right: expect.anything() },
    });
  });

  it('honours parentheses and nested not', () => {
    expect(parseConditions('(id = 1 or id = 2) and not (deletedFlag = true)')).toEqual({
      type: 'and',
      left: { type: 'or', left: expect.anything(), right: expect.anything() },
      right: { type: 'not', operand: expect.objectContaining({ field: 'deletedFlag' }) },
    });
  });

  it.each([
    ['', /empty/],
    ['id =', /Expected a value/],
    ['= 1', /Expected a field name/],
    ['id 1', /Expected an operator/],
    ['(id = 1', /Expected '\)'/],
    ['id = 1)', /Unexpected token/],
    ['id in 1', /Expected '\('/],
    ['id in (1, 2', /Expected '\)'/],
    ['id = 1 and', /Expected a field name/],
    ['id = 1 id = 2', /Unexpected token/],
  ])('rejects %p', (text, message) => {
    expect(() => parseConditions(text)).toThrow(message);
  });
});

describe('conditions evaluation', () => {
  it.each([
    ['id = 1', [1]],
    ['id != 1', [2, 3, 4, 5]],
    ['id < 3', [1, 2]],
    ['id <= 3', [1, 2, 3]],
    ['id > 3', [4, 5]],
    ['id >= 3', [3, 4, 5]],
    ['id in (1, 3, 99)', [1, 3]],
    ['id not in (1, 3)', [2, 4, 5]],
    ['name = "smith & jones"', [1]],
    ["name = 'SMITH & JONES'", [1]],
    ['name contains "bäck"', [2]],
    ['name not contains "a"', [1, 2, 3, 5]],
    ['name not contains "e"', [3]],
    ['name like "Sm%"', [1]],
    ['name like "*GmbH"', [2]],
    ['name like "%[[]Corp]"', [4]],
    ['name like "100[%] Pure"', []],
    ['name like "100% Pure"', [5]],
    ['name not like "%a%"', [1, 2, 3, 5]],
    ['name = "株式会社テスト"', [3]],
    ['name contains "\\"Quoted\\""', [4]],
    ['deletedFlag = true', [2]],
    ['deletedFlag = False', [1, 3, 4, 5]],
    ['status/id = 1', [1, 3]],
    ['status/name = "active" AND id > 1', [3]],
    ['status/id = null', [4]],
    ['status/id != null', [1, 2, 3, 5]],
    ['status/id != 1', [2, 5]],
    ['annualRevenue > 10', [1]],
    ['annualRevenue = 5.5', [3]],
    ['lastUpdated > [2024-01-01T00:00:00Z]', [2, 3, 5]],
    ['lastUpdated >= [2024-01-01T00:00:00Z]', [1, 2, 3, 5]],
    ['lastUpdated = [2024-01-01]', [1]],
    ['_info/lastUpdated < [2024-01-01T00:00:00Z]', [4]],
    ['id = 1 OR id = 2 and deletedFlag = false', [1]],
    ['(id = 1 or id = 2) AND deletedFlag = true', [2]],
    ['not (id = 1 or id = 2)', [3, 4, 5]],
    ['ID = 2', [2]],
    ['Status/Name = "Inactive"', [2]],
  ])('%s', (conditions, expected) => {
    expect(ids(conditions)).toEqual(expected);
  });

  it.each([
    ['nosuchfield = 1', /nosuchfield is not a valid field name/],
    ['deletedFlag = 1', /Expected a boolean value, not a numeric. String values should be enclosed/],
    ['id = "1"', /Expected a numeric value, not a string/],
    ['name = 5', /Expected a string value, not a numeric/],
    ['lastUpdated > "2024-01-01"', /Expected a datetime value, not a string/],
    ['id contains "1"', /requires a string field/],
    ['name like 5', /Expected a string value/],
    ['deletedFlag > true', /Booleans can only be compared/],
    ['id > null', /null can only be compared/],
  ])('rejects %s', (conditions, message) => {
    expect(() => ids(conditions)).toThrow(ConditionError);
    expect(() => ids(conditions)).toThrow(message);
  });

  it('names the offending field', () => {
    try {
      ids('id = 1 and nosuch/path = 2');
    } catch (error) {
      expect((error as ConditionError).field).toBe('nosuch/path');
    }
    expect.assertions(1);
  });

  it('agrees with a direct filter for any id comparison (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
        fc.integer({ min: -2, max: 8 }),
        (op, n) => {
          const direct = records
            .filter((r) =>
              op === '='
                ? r.id === n
                : op === '!='
                  ? r.id !== n
                  : op === '<'
                    ? r.id < n
                    : op === '<='
                      ? r.id <= n
                      : op === '>'
                        ? r.id > n
                        : r.id >= n,
            )
            .map((r) => r.id);
          expect(ids(`id ${op} ${n}`)).toEqual(direct);
        },
      ),
    );
  });

  it('is the negation of not(...) for any and/or combination (property)', () => {
    const atom = fc.constantFrom(
      'id > 2',
      'deletedFlag = true',
      'name contains "a"',
      'status/id = 1',
      'status/id = null',
    );
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        atom,
        fc.tuple(tie('e'), fc.constantFrom('and', 'OR'), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (e) => {
        const yes = new Set(ids(e));
        const no = ids(`not ${e}`);
        expect(no.every((id) => !yes.has(id))).toBe(true);
        expect(no.length + yes.size).toBe(records.length);
      }),
    );
  });
});
