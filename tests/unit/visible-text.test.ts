import { describe, expect, it } from 'vitest';
import { VisibleText, visibleText } from '../../src/render/highlight';

describe('visible text for excerpts', () => {
  const paragraph = (i: number) => `<p>${i}번째 문단, <a href="https://example.com/${i}">링크</a> &amp; <strong>강조</strong>.</p>\n`;
  const html = Array.from({ length: 25_000 }, (_, i) => paragraph(i)).join('');

  it('stops parsing once it has the 20,000 characters it keeps: a 1.8 MB issue is parsed no further than its start', () => {
    expect(new TextEncoder().encode(html).length).toBeGreaterThan(1_800_000);
    const reader = new VisibleText();
    reader.write(html);
    const text = reader.text();
    expect(text).toHaveLength(20_000);
    // About four characters of this markup a character of text: 90,000 of its 1.9 million.
    expect(reader.parsed).toBeLessThan(100_000);
  });

  it('gives the same text however the HTML is cut into pieces, as the whole text cut at 20,000', () => {
    const whole = visibleText(html, Number.POSITIVE_INFINITY).slice(0, 20_000);
    for (const size of [1, 7, 4096, 64_000]) {
      const reader = new VisibleText();
      for (let at = 0; at < html.length && !reader.done; at += size) reader.write(html.slice(at, at + size));
      expect(reader.text(), String(size)).toBe(whole);
    }
  });
});
