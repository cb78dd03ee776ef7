/**
 * Manage's `conditions` language: tokenizer, recursive-descent parser and evaluator.
 *
 *   expression := or
 *   or         := and ( OR and )*
 *   and        := unary ( AND unary )*
 *   unary      := NOT unary | '(' expression ')' | comparison
 *   comparison := path [NOT] op literal | path [NOT] (contains|like) literal | path [NOT] IN '(' literal (',' literal)* ')'
 *   op         := = | != | < | <= | > | >=
 *   literal    := "string" | 'string' | number | [ISO date] | true | false | null
 *   path       := name ( '/' name )*
 *
 * Keywords are case-insensitive. String comparisons are case-insensitive (Manage runs on SQL Server's
 * default collation). `like` takes `%` or `*` wildcards; `[[]` is a literal `[`. A backslash escapes the
 * next character inside a quoted string (how Manage escapes quotes is undocumented).
 */

export type FieldKind = 'number' | 'string' | 'boolean' | 'date';
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'date'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'like' | 'in';

export type Condition =
  | { type: 'and' | 'or'; left: Condition; right: Condition }
  | { type: 'not'; operand: Condition }
  | { type: 'compare'; field: string; operator: Operator; negated: boolean; values: Literal[] };

export class ConditionError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}

const literalRules =
  'String values should be enclosed with double or single quotes; DateTime values should be enclosed in square brackets; ' +
  'numbers should consist of only digits, and optionally a decimal point and a negation sign; boolean values should be ' +
  'indicated with the keywords true or false; null values should be indicated by the keyword null.';

type Token =
  | { type: 'lparen' | 'rparen' | 'comma'; at: number }
  | { type: 'op'; value: '=' | '!=' | '<' | '<=' | '>' | '>='; at: number }
  | { type: 'word'; value: string; at: number }
  | { type: 'literal'; value: Literal; at: number };

const KEYWORD_LITERALS: Record<string, Literal> = {
  true: { kind: 'boolean', value: true },
  false: { kind: 'boolean', value: false },
  null: { kind: 'null' },
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const at = i;
    const single = ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : ch === ',' ? 'comma' : undefined;
    if (single) {
      tokens.push({ type: single, at });
      i++;
    } else if (ch === '=') {
      tokens.push({ type: 'op', value: '=', at });
      i++;
    } else if (ch === '!' || ch === '<' || ch === '>') {
      const two = text.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ type: 'op', value: two, at });
        i += 2;
      } else if (two === '<>') {
        tokens.push({ type: 'op', value: '!=', at });
        i += 2;
      } else if (ch === '!') throw new ConditionError(`Unexpected character '!' at position ${at}.`);
      else {
        tokens.push({ type: 'op', value: ch as '<' | '>', at });
        i++;
      }
    } else if (ch === '"' || ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ConditionError(`Unterminated string starting at position ${at}.`);
        const c = text[i] as string;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (c === ch) {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ type: 'literal', value: { kind: 'string', value }, at });
    } else if (ch === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw new ConditionError(`Unterminated date starting at position ${at}.`);
      const inner = text.slice(i + 1, end).trim();
      const parsed = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(inner)
        ? Date.parse(
            inner.length === 10
              ? `${inner}T00:00:00Z`
              : /Z|[+-]\d\d:?\d\d$/.test(inner)
                ? inner
                : `${inner}Z`,
          )
        : NaN;
      if (Number.isNaN(parsed))
        throw new ConditionError(
          `Unsupported format applied to [${inner}]: expected [yyyy-MM-ddTHH:mm:ssZ].`,
        );
      tokens.push({ type: 'literal', value: { kind: 'date', value: parsed, text: inner }, at });
      i = end + 1;
    } else if (/[-\d.]/.test(ch)) {
      const match = /^-?(\d+(\.\d*)?|\.\d+)/.exec(text.slice(i));
      if (!match) throw new ConditionError(`Unexpected character '${ch}' at position ${at}. ${literalRules}`);
      tokens.push({ type: 'literal', value: { kind: 'number', value: Number(match[0]) }, at });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i));
      const word = (match as RegExpExecArray)[0];
      const keyword = KEYWORD_LITERALS[word.toLowerCase()];
      if (keyword) tokens.push({ type: 'literal', value: keyword, at });
      else tokens.push({ type: 'word', value: word, at });
      i += word.length;
    } else {
      throw new ConditionError(`Unexpected character '${ch}' at position ${at}. ${literalRules}`);
    }
  }
  return tokens;
}

export function parseConditions(text: string): Condition {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const isWord = (token: Token | undefined, word: string) =>
    token?.type === 'word' && token.value.toLowerCase() === word;
  const describe = (token: Token | undefined) =>
    token === undefined ? 'the end of the conditions' : `position ${token.at}`;

  const parseOr = (): Condition => {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      position++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Condition => {
    let left = parseUnary();
    while (isWord(peek(), 'and')) {
      position++;
      left = { type: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Condition => {
    const token = peek();
    if (isWord(token, 'not')) {
      position++;
      return { type: 'not', operand: parseUnary() };
    }
    if (token?.type === 'lparen') {
      position++;
      const inner = parseOr();
      if (peek()?.type !== 'rparen') throw new ConditionError(`Expected ')' at ${describe(peek())}.`);
      position++;
      return inner;
    }
    return parseComparison();
  };
  const parseLiteral = (): Literal => {
    const token = peek();
    if (token?.type !== 'literal') {
      throw new ConditionError(`Expected a value at ${describe(token)}. ${literalRules}`);
    }
    position++;
    return token.value;
  };
  const parseComparison = (): Condition => {
    const fieldToken = peek();
    if (
      fieldToken?.type !== 'word' ||
      ['and', 'or', 'not', 'contains', 'like', 'in'].includes(fieldToken.value.toLowerCase())
    ) {
      throw new ConditionError(`Expected a field name at ${describe(fieldToken)}.`);
    }
    position++;
    const field = fieldToken.value;
    let negated = false;
    if (isWord(peek(), 'not')) {
      negated = true;
      position++;
    }
    const opToken = peek();
    let operator: Operator;
    if (opToken?.type === 'op') operator = opToken.value;
    else if (isWord(opToken, 'contains')) operator = 'contains';
    else if (isWord(opToken, 'like')) operator = 'like';
    else if (isWord(opToken, 'in')) operator = 'in';
    else throw new ConditionError(`Expected an operator after ${field} at ${describe(opToken)}.`, field);
    position++;
    if (operator === 'in') {
      if (peek()?.type !== 'lparen')
        throw new ConditionError(`Expected '(' after in at ${describe(peek())}.`, field);
      position++;
      const values = [parseLiteral()];
      while (peek()?.type === 'comma') {
        position++;
        values.push(parseLiteral());
      }
      if (peek()?.type !== 'rparen') throw new ConditionError(`Expected ')' at ${describe(peek())}.`, field);
      position++;
      return { type: 'compare', field, operator, negated, values };
    }
    return { type: 'compare', field, operator, negated, values: [parseLiteral()] };
  };

  if (tokens.length === 0) throw new ConditionError('The conditions are empty.');
  const condition = parseOr();
  if (position < tokens.length) throw new ConditionError(`Unexpected token at ${describe(peek())}.`);
  return condition;
}

/** How a resource exposes its fields to conditions and orderBy: path → kind, and how to read it from a record. */
export interface FieldCatalogue {
  resource: string;
  kinds: Record<string, FieldKind>;
  read: (record: unknown, path: string) => unknown;
}

/** Reads `a/b/c` from a record; `lastUpdated` is an alias of `_info/lastUpdated` on every object. */
export function readPath(record: unknown, path: string): unknown {
  const parts = path === 'lastUpdated' ? ['_info', 'lastUpdated'] : path.split('/');
  let current: unknown = record;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Resolves a field path case-insensitively against the catalogue (Manage accepts `Name` for `name`). */
export function resolveField(catalogue: FieldCatalogue, field: string): { path: string; kind: FieldKind } {
  const lower = field.toLowerCase();
  for (const [path, kind] of Object.entries(catalogue.kinds)) {
    if (path.toLowerCase() === lower) return { path, kind };
  }
  throw new ConditionError(`${field} is not a valid field name.`, field);
}

function literalName(literal: Literal): string {
  return literal.kind === 'number' ? 'numeric' : literal.kind === 'date' ? 'datetime' : literal.kind;
}

function checkLiteral(kind: FieldKind, operator: Operator, literal: Literal, field: string) {
  if (literal.kind === 'null') {
    if (operator !== '=' && operator !== '!=')
      throw new ConditionError(`null can only be compared with = or != (${field}).`, field);
    return;
  }
  if (operator === 'contains' || operator === 'like') {
    if (literal.kind !== 'string')
      throw new ConditionError(
        `Expected a string value, not a ${literalName(literal)}. ${literalRules}`,
        field,
      );
    if (kind !== 'string')
      throw new ConditionError(`The ${operator} operator requires a string field (${field}).`, field);
    return;
  }
  const expected = kind === 'date' ? 'date' : kind;
  if (literal.kind !== expected) {
    throw new ConditionError(
      `Expected a ${kind === 'date' ? 'datetime' : kind === 'number' ? 'numeric' : kind} value, not a ${literalName(literal)}. ${literalRules}`,
      field,
    );
  }
  if (kind === 'boolean' && operator !== '=' && operator !== '!=') {
    throw new ConditionError(`Booleans can only be compared with = or != (${field}).`, field);
  }
}

export type Predicate = (record: unknown) => boolean;

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.startsWith('[[]', i)) {
      source += '\\[';
      i += 2;
      continue;
    }
    const ch = pattern[i] as string;
    if (ch === '%' || ch === '*') source += '.*';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

function normalise(value: unknown, kind: FieldKind): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (kind === 'date') {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? null : ms;
  }
  if (kind === 'string') return String(value).toLowerCase();
  if (kind === 'number') return typeof value === 'number' ? value : Number(value);
  return Boolean(value);
}

function literalValue(literal: Literal): string | number | boolean | null {
  switch (literal.kind) {
    case 'null':
      return null;
    case 'string':
      return literal.value.toLowerCase();
    default:
      return literal.value;
  }
}

/** Type-checks a parsed condition against a resource and compiles it to a predicate. Throws ConditionError. */
export function compileConditions(condition: Condition, catalogue: FieldCatalogue): Predicate {
  switch (condition.type) {
    case 'and': {
      const left = compileConditions(condition.left, catalogue);
      const right = compileConditions(condition.right, catalogue);
      return (r) => left(r) && right(r);
    }
    case 'or': {
      const left = compileConditions(condition.left, catalogue);
      const right = compileConditions(condition.right, catalogue);
      return (r) => left(r) || right(r);
    }
    case 'not': {
      const operand = compileConditions(condition.operand, catalogue);
      return (r) => !operand(r);
    }
    case 'compare': {
      const { path, kind } = resolveField(catalogue, condition.field);
      for (const literal of condition.values)
        checkLiteral(kind, condition.operator, literal, condition.field);
      const test = comparer(condition.operator, condition.values);
      // SQL semantics: a missing (null) value never satisfies a negated comparison either.
      return condition.negated
        ? (r) => {
            const value = normalise(catalogue.read(r, path), kind);
            return value !== null && !test(value);
          }
        : (r) => test(normalise(catalogue.read(r, path), kind));
    }
  }
}

function comparer(
  operator: Operator,
  literals: Literal[],
): (value: string | number | boolean | null) => boolean {
  const first = literals[0] as Literal;
  const expected = literalValue(first);
  switch (operator) {
    case '=':
      return (v) => v === expected;
    case '!=':
      return expected === null ? (v) => v !== null : (v) => v !== null && v !== expected;
    case '<':
      return (v) => v !== null && expected !== null && v < expected;
    case '<=':
      return (v) => v !== null && expected !== null && v <= expected;
    case '>':
      return (v) => v !== null && expected !== null && v > expected;
    case '>=':
      return (v) => v !== null && expected !== null && v >= expected;
    case 'contains': {
      const needle = String(expected);
      return (v) => typeof v === 'string' && v.includes(needle);
    }
    case 'like': {
      const pattern = likeToRegExp(first.kind === 'string' ? first.value : '');
      return (v) => typeof v === 'string' && pattern.test(v);
    }
    case 'in': {
      const set = new Set(literals.map(literalValue));
      return (v) => v !== null && set.has(v);
    }
  }
}

/** Parses and compiles in one step. */
export function conditionsPredicate(text: string, catalogue: FieldCatalogue): Predicate {
  return compileConditions(parseConditions(text), catalogue);
}
