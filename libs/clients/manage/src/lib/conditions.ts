/** Helpers to write Manage `conditions` safely. */

/** A quoted string literal; quotes and backslashes inside are backslash-escaped. */
export function conditionString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A date-time literal `[yyyy-MM-ddTHH:mm:ssZ]` (UTC, no milliseconds, as Manage expects). */
export function conditionDate(value: Date | string | number): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${String(value)}`);
  return `[${new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')}]`;
}

/** Joins clauses with `and`, parenthesising each; empty or undefined clauses are dropped. */
export function allOf(...clauses: Array<string | undefined>): string | undefined {
  const present = clauses.map((c) => c?.trim()).filter((c): c is string => !!c);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map((c) => `(${c})`).join(' and ');
}
