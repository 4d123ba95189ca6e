import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldForSearch, gramToken, searchGrams } from '../../src/domain/search-text';

/**
 * The gram index must answer exactly what a substring scan would: a term of one or two characters
 * (no white space, as a query's terms never hold any) is in a text's grams exactly when the folded
 * term occurs in the folded text.
 */
const char = fc.oneof(
  fc.constantFrom('서', '울', '경', '제', 'a', 'A', 'i', 'I', '#', ' ', '\n', '\u3000', 'ᄀ', 'ᅡ', '😀', 'Σ', 'ς', 'ß', 'İ'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const text = fc.array(char, { maxLength: 40 }).map((chars) => chars.join(''));
const term = fc
  .array(char, { minLength: 1, maxLength: 2 })
  .map((chars) => chars.join(''))
  .filter((t) => !/\s/u.test(t) && [...foldForSearch(t)].length <= 2 && foldForSearch(t) !== '');

describe('searchGrams', () => {
  it('holds a short term exactly when a scan of the folded text would find it', () => {
    fc.assert(
      fc.property(text, term, (body, raw) => {
        const folded = foldForSearch(raw);
        const tokens = new Set(searchGrams(body).split(' '));
        expect(tokens.has(gramToken(folded))).toBe(foldForSearch(body).includes(folded));
      }),
      { numRuns: 2000 },
    );
  });

  it('holds every one- and two-character piece of the text it was given', () => {
    fc.assert(
      fc.property(text, fc.nat(), (body, at) => {
        const chars = [...foldForSearch(body)];
        if (chars.length === 0) return;
        const i = at % chars.length;
        const piece = chars.slice(i, i + 2).join('');
        if (/\s/u.test(piece)) return;
        expect(searchGrams(body).split(' ')).toContain(gramToken(piece));
      }),
    );
  });

  it('keeps one- and two-character tokens apart', () => {
    // "가" followed by a character whose code is 0 would collide if codes were not of fixed width.
    expect(gramToken('가').length).toBe(4);
    expect(gramToken('가나').length).toBe(8);
    expect(gramToken('\u{10FFFF}').length).toBe(4);
    expect(searchGrams('AI ai').split(' ')).toEqual([gramToken('a'), gramToken('i'), gramToken('ai')]);
  });
});

describe('foldForSearch', () => {
  /** Letters whose case and composition search must ignore (Turkish dotless ı is a letter of its own, not here). */
  const letter = fc.constantFrom(
    ...'abcxyzABCXYZéÉèàÀçÇñÑöÖüÜßẞİiIσςΣάΆδΔжЖяЯ서울경제ａｚＡＺ０９ﬁﬀ'.split(''),
    'e\u0301',
    'E\u0301',
    'o\u0308',
  );
  const word = fc.array(letter, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));

  it('reads a word alike in upper case, lower case, decomposed and composed (property)', () => {
    fc.assert(
      fc.property(word, (w) => {
        const folded = foldForSearch(w);
        expect(foldForSearch(w.toUpperCase())).toBe(folded);
        expect(foldForSearch(w.toLowerCase())).toBe(folded);
        expect(foldForSearch(w.normalize('NFD'))).toBe(folded);
        expect(foldForSearch(w.normalize('NFC'))).toBe(folded);
        expect(foldForSearch(folded)).toBe(folded);
      }),
      { numRuns: 3000, seed: 20261208 },
    );
  });

  it.each([
    ['İstanbul', 'istanbul'],
    ['ISTANBUL', 'istanbul'],
    ['Straße', 'strasse'],
    ['STRAẞE', 'strasse'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['οδος', 'οδοσ'],
    ['ＡＩ', 'ai'],
    ['Ｓｅｏｕｌ', 'seoul'],
    ['e\u0301cole', 'école'],
    ['ÉCOLE', 'école'],
    ['ﬁle', 'file'],
    ['서울', '서울'],
    ['ㅋㅋㅠㅠ', 'ㅋㅋㅠㅠ'],
    ['ㅎㅏ', 'ㅎㅏ'],
  ])('folds %s as %s', (raw, folded) => {
    expect(foldForSearch(raw)).toBe(folded);
  });
});
