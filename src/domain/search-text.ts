/**
 * How search text is folded and cut into the pieces the indexes hold. One copy, used by the query
 * schema (what a reader typed) and by the storage layer (what an editor wrote), so the two meet.
 */

/**
 * The one folding of search, for what the indexes hold and what a reader types alike: case,
 * composition and compatibility forms are ignored. NFKC first (Hangul compatibility jamo aside) (fullwidth "ＡＩ" is "AI", "ﬁ" is
 * "fi", a decomposed "é" is one character), then lower case, then what lower case alone leaves
 * apart and full case folding joins: the German sharp s and "SS" ("straße", "STRASSE"), the Greek
 * final sigma and "σ", and the Turkish dotted capital İ, which lowers to "i" plus a combining dot
 * (so "İstanbul", "ISTANBUL" and "istanbul" are one search). The indexes (FTS5) fold again by
 * their own rules, which then see the same folded text on both sides.
 */
export const foldForSearch = (text: string): string =>
  text
    // Hangul compatibility jamo ("ㅋㅋ", "ㅠㅠ") are letters of their own in Korean text: NFKC would
    // turn them into conjoining jamo that compose with their neighbours ("ㅋㅠ" into "큐").
    .replace(/[^\u3131-\u318e]+/g, (run) => run.normalize('NFKC'))
    .toLowerCase()
    .replace(/i\u0307/g, 'i')
    .replace(/ß/g, 'ss')
    .replace(/ς/g, 'σ')
    .normalize('NFC');

/** A query's terms: folded, split on white space. */
export const searchTerms = (query: string): string[] =>
  foldForSearch(query)
    .split(/\s+/u)
    .filter((term) => term !== '');

/**
 * Terms of this many characters or more go through the FTS5 trigram index (issue_search); shorter
 * ones (서울, AI, 책) through the gram index (issue_grams), which holds every character and every
 * pair of adjacent characters of the text.
 */
const TRIGRAM = 3;

export const isShortTerm = (term: string): boolean => [...term].length < TRIGRAM;

/**
 * One character as a token the FTS5 default tokenizer keeps whole and never folds: its code point
 * in base 36, four digits (36^4 > 0x10FFFF). A pair of characters is two such codes, eight digits,
 * so a one-character and a two-character token can never be confused.
 */
const code = (char: string): string => (char.codePointAt(0) ?? 0).toString(36).padStart(4, '0');

/** The gram-index token for a short term (one or two characters, already folded). */
export const gramToken = (term: string): string => [...term].map(code).join('');

/**
 * The gram-index document for a text: every distinct character and every distinct pair of adjacent
 * characters, within runs of non-space characters. A query term holds no white space (terms are
 * split on it), so a term of one or two characters occurs in the folded text exactly when its
 * token is here: the index answers what a substring scan (LIKE) would, without the scan.
 */
export function searchGrams(text: string): string {
  const grams = new Set<string>();
  for (const run of foldForSearch(text).split(/\s+/u)) {
    let previous = '';
    for (const char of run) {
      const current = code(char);
      grams.add(current);
      if (previous !== '') grams.add(previous + current);
      previous = current;
    }
  }
  return [...grams].join(' ');
}

/** The gram-index document of an issue: its title, summary points and body, as the trigram index holds them. */
export const issueGrams = (issue: { title: string; summary: readonly string[]; body: string }): string =>
  searchGrams([issue.title, ...issue.summary, issue.body].join('\n'));
