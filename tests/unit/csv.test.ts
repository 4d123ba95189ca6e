import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/render/csv';

/** The one cell `value` becomes, as a spreadsheet reads it: unquoted, quotes undoubled. */
function cell(value: unknown): string {
  const line = toCsv(['c'], [{ c: value }]).split('\r\n')[1] ?? '';
  expect(line.startsWith('"') && line.endsWith('"')).toBe(true);
  return line.slice(1, -1).replaceAll('""', '"');
}

/** Every code point whose compatibility form (NFKC) starts with a character that starts a formula. */
function formulaLookalikes(): string[] {
  const found: string[] = [];
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const char = String.fromCodePoint(code);
    if (/^[=+\-@]/.test(char.normalize('NFKC'))) found.push(char);
  }
  return found;
}

describe('CSV cells', () => {
  it.each([
    ['=1+1'],
    ['+1'],
    ['-1'],
    ['@SUM(A1)'],
    ['\t=1'],
    ['\r=1'],
    ['\tplain'],
    ['\rplain'],
    // Fullwidth forms, which NFKC folds to ASCII (and some spreadsheets do too).
    ['＝HYPERLINK("https://evil.example")'],
    ['＋1'],
    ['－1'],
    ['＠SUM(A1)'],
    // Whitespace, ideographic and no-break spaces, and invisible format characters before them.
    [' =1'],
    ['   +1'],
    ['\n=1'],
    ['\u3000＝1'],
    ['\u00a0-1'],
    ['\u200b=1'],
    ['\ufeff@x'],
    [' \t \r =1'],
    // Other compatibility forms: small, superscript and subscript signs, and ⩵ (NFKC "==").
    ['﹦1'],
    ['⁼1'],
    ['₊1'],
    ['﹣1'],
    ['⩵'],
  ])('keeps %j from starting a formula', (value) => {
    expect(cell(value)).toBe(`'${value}`);
  });

  it('prefixes every character whose NFKC form starts a formula', () => {
    const lookalikes = formulaLookalikes();
    expect(lookalikes.length).toBeGreaterThan(10);
    expect(lookalikes.filter((char) => cell(`${char}1`) !== `'${char}1`)).toEqual([]);
  });

  it.each([['plain text'], ['1-2'], ['a=b'], ['좋았어요 =)'], ['"quoted"'], [''], [' spaced'], [4]])('leaves %j as it is', (value) => {
    expect(cell(value)).toBe(String(value));
  });

  it('writes null and undefined as empty cells', () => {
    expect(cell(null)).toBe('');
    expect(cell(undefined)).toBe('');
  });
});
