import { normaliseCompanyName } from './normalise-name';

/**
 * Name similarity for suggestions, from 0 (nothing in common) to 1, on the normalised names:
 * - the Sørensen–Dice coefficient of their character bigrams, spaces and the word `and` left out. Bigrams
 *   work for every script (CJK names have no spaces to split words on) and forgive typos, spacing and
 *   `&`-dropping (`Contoso` / `Contosso`, `Tri-County` / `TriCounty`, `Smith & Jones` / `Smith Jones`);
 * - at least QUALIFIED_NAME_SIMILARITY when one name is the other plus trailing words (`Acme` /
 *   `Acme Corporation (HQ)`, `Northwind` / `Northwind (old)`): Hudu names often carry such qualifiers, and
 *   a short name would otherwise share too few bigrams with its qualified form to be suggested.
 * Names of one character compare by that character. Similarity only ever suggests a match, never confirms one.
 */
export function nameSimilarity(a: string, b: string): number {
  return normalisedNameSimilarity(normaliseCompanyName(a), normaliseCompanyName(b));
}

/** {@link nameSimilarity} of two names that are already normalised. */
export function normalisedNameSimilarity(a: string, b: string): number {
  return similarityOfProfiles(bigramProfile(a), bigramProfile(b));
}

/** Names at least this similar are suggested (`similar-name`); see docs/adr/0006-company-matching.md. */
export const SIMILAR_NAME_THRESHOLD = 0.8;

/** The similarity of a name and the same name with words added after it. */
export const QUALIFIED_NAME_SIMILARITY = 0.8;

/** A name needs this many letters or digits before `Acme` / `Acme (HQ)` qualifies (`A` is not a prefix of everything). */
const MIN_QUALIFIED_LENGTH = 3;

/** The bigrams of a normalised name with their counts, and how many there are in all. */
export interface BigramProfile {
  readonly counts: ReadonlyMap<string, number>;
  readonly size: number;
}

/** What the similarity of a normalised name is computed from; prepare once per name when comparing many. */
export interface BigramProfile {
  /** The normalised name's words, without `and`. */
  readonly words: readonly string[];
  readonly counts: ReadonlyMap<string, number>;
  /** How many bigrams in all (counting repeats). */
  readonly size: number;
}

export function bigramProfile(normalisedName: string): BigramProfile {
  const words = normalisedName.split(' ').filter((word) => word !== '' && word !== 'and');
  const chars = Array.from(words.join(''));
  const counts = new Map<string, number>();
  const grams = chars.length === 1 ? chars : chars.slice(1).map((ch, i) => `${chars[i] ?? ''}${ch}`);
  for (const gram of grams) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  return { words, counts, size: grams.length };
}

export function similarityOfProfiles(a: BigramProfile, b: BigramProfile): number {
  const dice = diceCoefficient(a, b);
  const [shorter, longer] = a.words.length <= b.words.length ? [a, b] : [b, a];
  const qualified =
    shorter.words.length < longer.words.length &&
    Array.from(shorter.words.join('')).length >= MIN_QUALIFIED_LENGTH &&
    shorter.words.every((word, i) => longer.words[i] === word);
  return qualified ? Math.max(dice, QUALIFIED_NAME_SIMILARITY) : dice;
}

/** Sørensen–Dice coefficient of two bigram multisets: twice the shared bigrams over all bigrams. */
export function diceCoefficient(a: BigramProfile, b: BigramProfile): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const [gram, count] of a.counts) shared += Math.min(count, b.counts.get(gram) ?? 0);
  return (2 * shared) / (a.size + b.size);
}
