/**
 * Company-name normalisation: the key two names must share to count as the same company ("exact-name").
 *
 * Rules, in order (each is tested in normalise-name.spec.ts):
 *  1. Unicode NFKC (full-width letters, ligatures, circled digits and `㈱` become ordinary text).
 *  2. Case-fold: upper-case then lower-case (so `ß`/`SS`, `ſ`/`s`, `ı`/`I`/`i`, `ς`/`σ` agree).
 *  3. Apostrophes are deleted (`O'Brien` = `OBrien`), invisible format characters (soft hyphen, zero-width
 *     joiners) too; dotted abbreviations close up (`L.L.C.` → `llc`, `S.A` → `sa`); `&` and `+` become `and`;
 *     `(株)`, `(有)`, `(주)` become the words they abbreviate.
 *  4. Diacritics are stripped from Latin and Greek letters (`Müller` → `muller`, `Δέλτα` → `δελτα`) and letters
 *     without a decomposition are spelled out (`ø` → `o`, `ł` → `l`, `æ` → `ae`, `þ` → `th`).
 *     Other scripts keep their marks: they carry meaning there (`デ` is not `テ`, `й` is not `и`).
 *  5. Everything that is not a letter, digit or mark separates words; whitespace collapses to one space.
 *  6. Legal forms are dropped while something else remains: trailing `Inc`, `LLC`, `Ltd`, `GmbH`, `Pty Ltd`,
 *     `& Co`, `Co., Ltd.` … (LEGAL_SUFFIXES), leading `The` and prefixes such as `ООО` (LEGAL_PREFIXES), and
 *     `株式会社` / `有限公司` … before or after a CJK name (CJK_LEGAL_FORMS), repeated until none applies.
 *     A name that is nothing but a legal form (`Inc.`, `株式会社`) keeps it.
 *
 * Guarantees (property-tested): the result is idempotent, insensitive to case, extra whitespace and trailing
 * punctuation, and never empty for a name with a letter or digit in any script.
 */
export function normaliseCompanyName(name: string): string {
  const folded = foldCase(wellFormed(name).normalize('NFKC'));
  const words = toWords(stripDiacritics(rewriteSymbols(folded)));
  const stripped = stripLegalForms(words);
  if (stripped !== '' || !/[\p{L}\p{N}]/u.test(name)) return stripped;
  // Only reached when the rules above removed every letter: apostrophe-like modifier letters (`ʼ`), or
  // presentation forms that NFKC turns into a lone mark (`ﹰ`). Keep the case-folded original then rather
  // than return an empty key for a name that has letters.
  return toWords(foldCase(wellFormed(name).normalize('NFC')));
}

/** Words of the normalised name (empty for a name without letters or digits). */
export function normalisedNameTokens(name: string): string[] {
  const normalised = normaliseCompanyName(name);
  return normalised === '' ? [] : normalised.split(' ');
}

/**
 * Legal forms dropped from the end of a name, as normalised words. Longest match first; `and co` keeps
 * `Smith & Co` from ending in a dangling `and`. Multi-national on purpose: MSP customers are.
 */
// prettier-ignore
export const LEGAL_SUFFIXES: readonly string[] = [
  // English-speaking
  'inc', 'incorporated', 'llc', 'llp', 'lllp', 'lp', 'ltd', 'limited', 'plc', 'corp', 'corporation', 'co',
  'company', 'and co', 'and company', 'pty', 'pty ltd', 'pte', 'pte ltd', 'pvt', 'pvt ltd', 'ulc',
  // German-speaking
  'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'gbr', 'ev', 'gmbh and co kg', 'gmbh and co',
  // French / Spanish / Portuguese / Italian
  'sa', 'sas', 'sasu', 'sarl', 'eurl', 'snc', 'sl', 'slu', 'srl', 'spa', 'ltda', 'sa de cv', 'cv', 'sca',
  // Dutch / Belgian / Nordic
  'bv', 'nv', 'bvba', 'vof', 'ab', 'as', 'asa', 'aps', 'oy', 'oyj', 'hf', 'ehf',
  // Central / Eastern Europe
  'sro', 'kft', 'zrt', 'nyrt', 'doo', 'dd', 'sp z oo', 'spzoo', 'ооо', 'оао', 'зао', 'пао', 'ао',
  // Asia-Pacific, romanised
  'kk', 'yk', 'gk', 'sdn bhd', 'bhd', 'tbk',
];

/** Legal forms dropped from the start of a name (as normalised words). */
// prettier-ignore
export const LEGAL_PREFIXES: readonly string[] = ['the', 'ооо', 'оао', 'зао', 'пао', 'ао', 'ип', 'тов', 'пат'];

/** CJK legal forms, written without spaces before or after the name (`株式会社テスト`, `テスト株式会社`). */
// prettier-ignore
export const CJK_LEGAL_FORMS: readonly string[] = [
  '株式会社', '有限会社', '合同会社', '合資会社', '合名会社', // Japanese
  '股份有限公司', '有限责任公司', '有限責任公司', '有限公司', '公司', // Chinese
  '주식회사', '유한회사', '유한책임회사', // Korean
];

const PARENTHESISED_FORMS: Readonly<Record<string, string>> = {
  株: '株式会社',
  有: '有限会社',
  주: '주식회사',
  유: '유한회사',
};

/** Letters with no Unicode decomposition that people nevertheless type without their stroke or ligature. */
const SPELLED_OUT: Readonly<Record<string, string>> = {
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ħ: 'h',
  ŧ: 't',
  þ: 'th',
  ı: 'i',
  ĸ: 'k',
};

/** Lone UTF-16 surrogates (malformed input) become U+FFFD, so deleting a character never pairs two up. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Upper then lower case: also folds letters whose lower case differs from their case-folded form. */
function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase().replace(/ß/g, 'ss').replace(/ς/g, 'σ');
}

function rewriteSymbols(text: string): string {
  return (
    text
      // apostrophes join (O'Brien, Rock’n’Roll); invisible format characters vanish
      .replace(/['‘’ʼ`\p{Cf}]/gu, '')
      .replace(/\((株|有|주|유)\)/gu, (_all, form: string) => ` ${PARENTHESISED_FORMS[form] ?? form} `)
      // dotted abbreviations: l.l.c. → llc, s.a → sa (single letters separated by dots)
      .replace(/(?<![\p{L}\p{N}\p{M}])\p{L}\p{M}*(?:\.\p{L}\p{M}*)+\.?(?![\p{L}\p{N}\p{M}])/gu, (abbr) =>
        abbr.replace(/\./g, ''),
      )
      .replace(/[&+]/g, ' and ')
  );
}

/** Marks are removed after Latin, Greek and script-neutral bases; kept elsewhere. */
const STRIPS_MARKS = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Common}\p{Script=Inherited}]/u;
const MARK = /\p{M}/u;

function stripDiacritics(text: string): string {
  let out = '';
  let strip = true; // a mark with no base is stripped
  for (const ch of text.normalize('NFD')) {
    if (MARK.test(ch)) {
      if (!strip) out += ch;
    } else {
      strip = STRIPS_MARKS.test(ch);
      out += SPELLED_OUT[ch] ?? ch;
    }
  }
  return out.normalize('NFC');
}

function toWords(text: string): string {
  return text
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .replace(/(^| )\p{M}+/gu, '$1') // a mark cannot start a word
    .replace(/ +/g, ' ')
    .trim();
}

const SUFFIXES = [...new Set(LEGAL_SUFFIXES)]
  .map((suffix) => suffix.split(' '))
  .sort((a, b) => b.length - a.length);
const PREFIXES = LEGAL_PREFIXES.map((prefix) => prefix.split(' ')).sort((a, b) => b.length - a.length);
const CJK_FORMS = [...CJK_LEGAL_FORMS].sort((a, b) => b.length - a.length);

function stripLegalForms(name: string): string {
  let words = name === '' ? [] : name.split(' ');
  for (;;) {
    const next = stripOnce(words);
    if (next === undefined) return words.join(' ');
    words = next;
  }
}

/** One legal form fewer, or undefined when none can go without emptying the name. */
function stripOnce(words: string[]): string[] | undefined {
  for (const prefix of PREFIXES) {
    if (words.length > prefix.length && prefix.every((word, i) => words[i] === word)) {
      return words.slice(prefix.length);
    }
  }
  for (const suffix of SUFFIXES) {
    const start = words.length - suffix.length;
    if (start > 0 && suffix.every((word, i) => words[start + i] === word)) return words.slice(0, start);
  }
  const joined = words.join(' ');
  for (const form of CJK_FORMS) {
    if (joined.length <= form.length) continue;
    // what remains must start with a letter or digit, not with a mark that belonged to the form
    const after = joined.slice(form.length).trim();
    if (joined.startsWith(form) && /^[\p{L}\p{N}]/u.test(after)) return after.split(' ');
    if (joined.endsWith(form)) return joined.slice(0, -form.length).trim().split(' ');
  }
  return undefined;
}
