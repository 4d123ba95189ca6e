import { describe, expect, it } from 'vitest';
import { excerpt, highlight } from '../../src/render/highlight';

/** Search results mark what search found, however folding changed its length. */
describe('highlight', () => {
  it.each([
    ['Die Straße der Zukunft', ['strasse'], 'Die <mark>Straße</mark> der Zukunft'],
    ['L’e\u0301cole numérique', ['école'], 'L’<mark>e\u0301cole</mark> numérique'],
    ['ＡＩ 뉴스 정리', ['ai'], '<mark>ＡＩ</mark> 뉴스 정리'],
    ['İstanbul 지사', ['istanbul'], '<mark>İstanbul</mark> 지사'],
    ['ΟΔΟΣ ΠΡΟΣ', ['οδος'], '<mark>ΟΔΟΣ</mark> ΠΡΟΣ'],
    ['a <b> & c', ['b'], 'a &#60;<mark>b</mark>&#62; &#38; c'],
    ['서울경제와 서울', ['서울'], '<mark>서울</mark>경제와 <mark>서울</mark>'],
    ['straßenbahn', ['ss', 'strasse'], '<mark>straße</mark>nbahn'],
  ])('marks %s for %j', (text, terms, marked) => {
    expect(String(highlight(text, terms))).toBe(marked);
  });

  it('centres an excerpt on a match that folding lengthened', () => {
    const text = `${'가'.repeat(300)} Straße ${'나'.repeat(300)}`;
    expect(excerpt(text, ['strasse'])).toContain('Straße');
  });
});
