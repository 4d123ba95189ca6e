import { Parser } from 'htmlparser2';
import { foldForSearch } from '../domain/search-text';
import { html, type SafeHtml } from './html';

/**
 * Search results' text with the reader's terms marked. Terms are matched as search matches them
 * (folded: case and composition ignored, src/domain/search-text.ts), character by character, so a
 * match's place in the folded text is its place in the text as written.
 */

/** Where the terms occur in `text`: [start, end) in code points, merged where they overlap; `first` stops at the first. */
function matches(chars: readonly string[], terms: readonly string[], first = false): [number, number][] {
  const folded = chars.map((c) => foldForSearch(c));
  const wanted = terms.map((t) => [...t].map((c) => foldForSearch(c))).filter((t) => t.length > 0);
  const found: [number, number][] = [];
  for (let i = 0; i < folded.length; i++) {
    let longest = 0;
    for (const term of wanted) {
      if (term.length > longest && term.every((c, k) => folded[i + k] === c)) longest = term.length;
    }
    if (longest === 0) continue;
    const last = found.at(-1);
    if (last !== undefined && i <= last[1]) last[1] = Math.max(last[1], i + longest);
    else found.push([i, i + longest]);
    if (first) break;
  }
  return found;
}

/** `text`, escaped, with every occurrence of a term in `<mark>`. */
export function highlight(text: string, terms: readonly string[]): SafeHtml {
  const chars = [...text];
  const parts: (string | SafeHtml)[] = [];
  let at = 0;
  for (const [start, end] of matches(chars, terms)) {
    parts.push(chars.slice(at, start).join(''), html`<mark>${chars.slice(start, end).join('')}</mark>`);
    at = end;
  }
  parts.push(chars.slice(at).join(''));
  return html`${parts}`;
}

/**
 * About `length` characters of `text` around the first occurrence of a term (the start of the text
 * when no term occurs), cut at spaces where it can be, with an ellipsis where it was cut.
 */
export function excerpt(text: string, terms: readonly string[], length = 160): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  if (chars.length <= length) return chars.join('');
  const first = matches(chars, terms, true)[0]?.[0] ?? 0;
  let start = Math.max(0, Math.min(first - Math.floor(length / 3), chars.length - length));
  let end = Math.min(chars.length, start + length);
  // Move to word boundaries within a few characters, so a word is not cut in two.
  for (let k = 0; k < 12 && start > 0 && chars[start - 1] !== ' '; k++) start--;
  for (let k = 0; k < 12 && end < chars.length && chars[end] !== ' '; k++) end++;
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('').trim()}${end < chars.length ? '…' : ''}`;
}

/** Elements that end a run of text: a space goes between them (none after inline ones, as in "<strong>AI</strong>의"). */
const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'table',
  'tr',
  'td',
  'th',
  'br',
  'hr',
  'figure',
  'figcaption',
  'section',
  'article',
  'dd',
  'dt',
]);

/**
 * The text a reader sees in sanitized HTML, tags dropped, entities decoded, blocks spaced; at most
 * `max` characters (an excerpt needs no more, and the search page renders ten at a time).
 */
export function visibleText(issueHtml: string, max = 20_000): string {
  let text = '';
  const parser = new Parser(
    {
      ontext: (chunk) => {
        if (text.length <= max) text += chunk;
      },
      onclosetag: (name) => {
        if (BLOCKS.has(name)) text += ' ';
      },
    },
    { decodeEntities: true },
  );
  parser.write(issueHtml);
  parser.end();
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}
