import { Parser } from 'htmlparser2';
import { foldForSearch } from '../domain/search-text';
import { html, type SafeHtml } from './html';

/**
 * Search results' text with the reader's terms marked. Terms are matched as search matches them
 * (folded: case, composition and compatibility forms ignored, src/domain/search-text.ts). Folding
 * may change lengths ("ß" is "ss", a decomposed "é" one character), so the text is folded a
 * grapheme at a time, and a match in the folded text is mapped back to the graphemes it covers.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The text's graphemes: what a reader sees as one character, and what a match starts and ends on. */
const graphemesOf = (text: string): string[] => Array.from(graphemes.segment(text), (s) => s.segment);

/** Where the terms occur among `chars` (graphemes): [start, end) merged where they overlap; `first` keeps the earliest. */
function matches(chars: readonly string[], terms: readonly string[], first = false): [number, number][] {
  let folded = '';
  const starts: number[] = [];
  for (const char of chars) {
    starts.push(folded.length);
    folded += foldForSearch(char);
  }
  /** The grapheme whose folded text holds the folded offset `at`. */
  const graphemeAt = (at: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const spans: [number, number][] = [];
  for (const term of new Set(terms.map(foldForSearch).filter((t) => t !== ''))) {
    for (let at = folded.indexOf(term); at !== -1; at = folded.indexOf(term, at + 1)) {
      spans.push([graphemeAt(at), graphemeAt(at + term.length - 1) + 1]);
      if (first) break;
    }
  }
  spans.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const found: [number, number][] = [];
  for (const [start, end] of spans) {
    const last = found.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else found.push([start, end]);
  }
  return first ? found.slice(0, 1) : found;
}

/** `text`, escaped, with every occurrence of a term in `<mark>`. */
export function highlight(text: string, terms: readonly string[]): SafeHtml {
  const chars = graphemesOf(text);
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
  const chars = graphemesOf(text.replace(/\s+/g, ' ').trim());
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
 * The text a reader sees in sanitized HTML, tags dropped, entities decoded, blocks spaced, given
 * in pieces (the HTML as stored, read a window at a time): at most `max` characters, and the
 * parser stops as soon as it has them, so nothing after them is read or parsed. An excerpt needs
 * no more, and the search page renders ten at a time (a 1.8 MB issue parsed to its end took 26 ms).
 */
export class VisibleText {
  #text = '';
  #done = false;
  /** Whether the text is empty or ends in a space, where a space is not added. */
  #afterSpace = true;
  readonly #parser: Parser;
  /** Characters of HTML given to the parser: what it was asked to read. */
  consumed = 0;

  constructor(readonly max = 20_000) {
    // The text is kept as it is returned, white space collapsed as it comes (a run of it may span
    // pieces), so that "enough" means `max` characters of the result, however the HTML is cut.
    const add = (piece: string) => {
      let collapsed = piece.replace(/\s+/g, ' ');
      // (Whether the text ends in a space is remembered: asking the string would flatten it each time.)
      if (collapsed.startsWith(' ') && this.#afterSpace) collapsed = collapsed.slice(1);
      if (collapsed === '') return;
      this.#text += collapsed;
      this.#afterSpace = collapsed.endsWith(' ');
      // One character past what is kept (a space there is trimmed): nothing that follows changes
      // the result, so nothing that follows is parsed.
      if (this.#text.length > this.max) {
        this.#done = true;
        this.#parser.pause();
      }
    };
    this.#parser = new Parser(
      {
        ontext: (chunk) => {
          if (!this.#done) add(chunk);
        },
        onclosetag: (name) => {
          if (!this.#done && BLOCKS.has(name)) add(' ');
        },
      },
      { decodeEntities: true },
    );
  }

  /** Characters of the HTML the parser went through (to the end of the last tag or text it reported). */
  get parsed(): number {
    return this.#parser.endIndex + 1;
  }

  /** Whether it has all the text it keeps: more HTML would not be read. */
  get done(): boolean {
    return this.#done;
  }

  /** The next piece of the HTML (a tag or an entity may be cut between pieces). */
  write(piece: string): void {
    if (this.#done) return;
    this.consumed += piece.length;
    this.#parser.write(piece);
  }

  /** The text, once the HTML has ended or enough of it was read. */
  text(): string {
    // The end flushes text the parser holds back (before an entity the piece may have cut).
    if (!this.#done) this.#parser.end();
    this.#done = true;
    return this.#text.trim().slice(0, this.max);
  }
}

/** The visible text of a whole HTML string: at most `max` characters, parsed no further than they need. */
export function visibleText(issueHtml: string, max = 20_000): string {
  const reader = new VisibleText(max);
  reader.write(issueHtml);
  return reader.text();
}
