/**
 * The worst bodies we know for the save-time renderer (markdown-it, then the sanitizer), each as a
 * function of its length. Sources: js-xss's attribute blow-up, the CommonMark pathological tests
 * (cmark's test/pathological_tests.py), markdown-it's own rules, and our limits themselves.
 */
export interface Shape {
  name: string;
  make: (length: number) => string;
}

/** `unit` repeated to about `length` characters. */
const fill = (unit: string, length: number) => unit.repeat(Math.max(1, Math.floor(length / unit.length)));
const ATTRIBUTES_64 = Array.from({ length: 64 }, (_, i) => ` a${i}="v"`).join('');
const NAME_128 = 'b'.repeat(128);
const ENCODED_SCRIPT_URL = '&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)';

function growingBackticks(length: number): string {
  let source = '';
  for (let run = 1; source.length < length; run++) source += `e${'`'.repeat(run)}`;
  return source;
}

function nestedLists(depth: number, length: number): string {
  const block = Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- item\n`).join('');
  return fill(`${block}\n`, length);
}

export const SHAPES: Shape[] = [
  // Raw HTML, as the sanitizer sees it.
  { name: 'attributes on one tag (js-xss: quadratic)', make: (n) => `<div${fill(' a', n - 12)}>x</div>` },
  { name: '64 attributes on every tag', make: (n) => fill(`<span${ATTRIBUTES_64}>x</span>\n`, n) },
  { name: 'elements nested without end', make: (n) => fill('<div>', n) },
  { name: 'elements nested 256 deep, again and again', make: (n) => fill(`${'<div>'.repeat(256)}x${'</div>'.repeat(256)}\n`, n) },
  { name: 'stray end tags under 255 open elements', make: (n) => `${'<div>'.repeat(255)}${fill('</x>', n - 1275)}` },
  { name: 'one long tag name', make: (n) => `<a${fill('b', n - 3)}>` },
  { name: 'tag names of 128 characters', make: (n) => fill(`<${NAME_128}>x</${NAME_128}>`, n) },
  { name: 'character references in URLs', make: (n) => fill(`<a href="${ENCODED_SCRIPT_URL}">x</a> `, n) },
  { name: 'character references in text', make: (n) => fill('&amp;&#58;&colon;&Tab;&notin;&#x1F600;&#0000058', n) },
  { name: 'dropped element with a large inside', make: (n) => `<svg>${fill('<g><a href="x">y</a></g>', n - 5)}` },
  { name: 'unterminated comment block', make: (n) => `<!--\n${fill('a <!-- b\n', n - 5)}` },
  // Inline HTML that markdown-it's regexes rescanned for each start.
  { name: 'unterminated inline comments', make: (n) => fill('a <!-- ', n) },
  { name: 'unterminated processing instructions', make: (n) => fill('a <? ', n) },
  { name: 'unterminated declarations', make: (n) => fill('a <!A ', n) },
  { name: 'unterminated CDATA', make: (n) => fill('a <![CDATA[ ', n) },
  { name: 'unterminated attribute values', make: (n) => fill('<a b="', n) },
  // Emphasis, links, code spans: the CommonMark pathological cases.
  { name: 'emphasis openers without closers', make: (n) => fill('*a ', n) },
  { name: 'emphasis closers without openers', make: (n) => fill('a* ', n) },
  { name: 'mismatched openers and closers', make: (n) => fill('*a_ ', n) },
  { name: 'openers and closers, multiples of 3', make: (n) => fill('a**b', n) },
  { name: 'nested strong and emphasis', make: (n) => fill('*a **a ', n / 2) + fill(' a** a*', n / 2) },
  { name: 'link openers without closers', make: (n) => fill('[a', n) },
  { name: 'link closers without openers', make: (n) => fill('a]', n) },
  { name: 'nested brackets', make: (n) => `${fill('[', n / 2)}a${fill(']', n / 2)}` },
  { name: 'link openers and emphasis closers', make: (n) => fill('[ a_', n) },
  { name: 'pattern [ (](', make: (n) => fill('[ (](', n) },
  { name: 'unclosed link destinations <', make: (n) => fill('[a](<b', n) },
  { name: 'unclosed link destinations', make: (n) => fill('[a](b', n) },
  { name: 'nested images', make: (n) => `${fill('![', n / 2)}${fill(']()', n / 2)}` },
  { name: 'backtick runs of growing length', make: growingBackticks },
  { name: 'single backticks', make: (n) => fill('`a', n) },
  // Blocks.
  { name: 'block quotes 64 deep, line after line', make: (n) => fill(`${'> '.repeat(64)}a\n`, n) },
  { name: 'block quotes nested without end', make: (n) => `${fill('> ', n - 1)}a` },
  { name: 'lists 32 deep, again and again', make: (n) => nestedLists(32, n) },
  {
    name: 'table: one wide header over one-cell rows',
    make: (n) => `|${fill('a|', n / 8)}\n|${fill('-|', n / 8)}\n${fill('a\n', (3 * n) / 4)}`,
  },
  {
    name: 'tables: 1,000-column headers over one-cell rows, again and again',
    make: (n) => fill(`|${'a|'.repeat(1_000)}\n|${'-|'.repeat(1_000)}\n${'a\n'.repeat(66)}\n`, n),
  },
  { name: 'table: dense cells', make: (n) => `|a|b|\n|-|-|\n${fill('|x|y|\n', n - 12)}` },
  { name: 'many list items', make: (n) => fill('- a\n', n) },
  // Expansion and linkify.
  { name: 'one 1,000-character reference, used again and again', make: (n) => `[r]: /${'x'.repeat(1_000)}\n\n${fill('[r] ', n - 1_010)}` },
  { name: 'short references, used again and again', make: (n) => `[r]: https://example.com/\n\n${fill('[r] ', n - 30)}` },
  {
    name: 'many reference definitions',
    make: (n) =>
      Array.from({ length: Math.floor(n / 14) }, (_, i) => `[r${i}]: /u${i}\n`)
        .join('')
        .slice(0, n),
  },
  { name: 'linkify: many URLs', make: (n) => fill('http://a.b ', n) },
  { name: 'linkify: a@ runs', make: (n) => fill('a@', n) },
  { name: 'quotation marks (escaped six times longer)', make: (n) => fill('"', n) },
];
