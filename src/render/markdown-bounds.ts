/// <reference path="./markdown-it-rules.d.ts" />
import type MarkdownIt from 'markdown-it';
import table from 'markdown-it/lib/rules_block/table.mjs';
import { MARKUP_LIMITS, MarkupLimitError } from './markup-limits';

/**
 * A markdown-it plugin that keeps rendering roughly linear in the size of the source: it refuses
 * what would nest too deeply or expand too far, and parses inline comments, processing
 * instructions, declarations and CDATA in one pass (markdown-it's regexes rescan the rest of the
 * paragraph for each unterminated one: 11 s for 200,000 characters of "a <!-- "), and counts
 * the table cells it fills in.
 */

type InlineRule = Parameters<MarkdownIt['inline']['ruler']['before']>[2];
type InlineState = Parameters<InlineRule>[0];
type BlockRule = Parameters<MarkdownIt['block']['ruler']['before']>[2];
type CoreRule = Parameters<MarkdownIt['core']['ruler']['push']>[1];
type Token = ReturnType<MarkdownIt['parse']>[number];

/** Where an inline construct that ends at a fixed string starts its search for the end, per CommonMark 0.31.2. */
function constructAt(src: string, pos: number): { from: number; end: string } | null {
  if (src.startsWith('<!--', pos)) return { from: pos + 2, end: '-->' }; // also `<!-->` and `<!--->`
  if (src.startsWith('<![CDATA[', pos)) return { from: pos + 9, end: ']]>' };
  if (src.startsWith('<?', pos)) return { from: pos + 2, end: '?>' };
  if (src[pos + 1] === '!' && /[A-Za-z]/.test(src[pos + 2] ?? '')) return { from: pos + 2, end: '>' };
  return null;
}

/** Every position of each end string in a paragraph, found once, so each lookup is a binary search. */
const endPositions = new WeakMap<InlineState, Map<string, number[]>>();

function nextEnd(state: InlineState, end: string, from: number): number {
  let byEnd = endPositions.get(state);
  if (byEnd === undefined) {
    byEnd = new Map();
    endPositions.set(state, byEnd);
  }
  let positions = byEnd.get(end);
  if (positions === undefined) {
    positions = [];
    for (let at = state.src.indexOf(end); at !== -1; at = state.src.indexOf(end, at + 1)) positions.push(at);
    byEnd.set(end, positions);
  }
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (positions[middle]! < from) low = middle + 1;
    else high = middle;
  }
  return positions[low] ?? -1;
}

/** Runs before markdown-it's html_inline, which then only ever sees tags. */
const htmlInlineOthers: InlineRule = (state, silent) => {
  if (state.src.charCodeAt(state.pos) !== 0x3c /* < */) return false;
  const construct = constructAt(state.src, state.pos);
  if (construct === null) return false;
  const at = nextEnd(state, construct.end, construct.from);
  if (at === -1) {
    // Unterminated: the "<" is text, as markdown-it would decide after its rescan.
    if (!silent) state.pending += '<';
    state.pos += 1;
    return true;
  }
  const after = at + construct.end.length;
  if (!silent) state.push('html_inline', '', 0).content = state.src.slice(state.pos, after);
  state.pos = after;
  return true;
};

/** markdown-it drops, without a word, whatever lies deeper than its maxNesting (100); refuse it instead. */
const nestingLimit: BlockRule = (state) => {
  if (state.level > MARKUP_LIMITS.markdownDepth) {
    throw new MarkupLimitError(
      'markdownDepth',
      `must not nest block quotes and lists more than ${MARKUP_LIMITS.markdownDepth} levels deep (a list counts two: the list and its item)`,
    );
  }
  return false;
};

/** Table cells made so far, per render (its `env`). */
const tableCells = new WeakMap<object, number>();

/**
 * markdown-it fills every short row up to the header's width, up to 65,536 empty cells a table:
 * one wide header over short rows turns 4 KB into 65,536 cells, and fifty such tables took 8 s
 * and then all of Node's heap. Counted after each table, so at most one table's worth is wasted.
 */
const boundedTable: BlockRule = (state, startLine, endLine, silent) => {
  const before = state.tokens.length;
  if (!table(state, startLine, endLine, silent)) return false;
  let cells = tableCells.get(state.env) ?? 0;
  for (const token of state.tokens.slice(before)) if (token.type === 'td_open' || token.type === 'th_open') cells++;
  tableCells.set(state.env, cells);
  if (cells > MARKUP_LIMITS.tableCells) {
    const limit = MARKUP_LIMITS.tableCells.toLocaleString('en-US');
    throw new MarkupLimitError(
      'tableCells',
      `must not have more than ${limit} table cells in all (short rows are filled up to the width of their table's header)`,
    );
  }
  return true;
};

/** About the length of the HTML that markdown-it would write for `tokens`, before escaping. */
function renderedSize(tokens: Token[]): number {
  let size = 0;
  for (const token of tokens) {
    if (token.children !== null)
      size += renderedSize(token.children); // an inline token's own content is its source
    else size += token.content.length;
    if (token.tag !== '') size += token.tag.length + 3 + (token.nesting === -1 ? 1 : 0); // <tag>, </tag>, a line break
    for (const [name, value] of token.attrs ?? []) size += name.length + value.length + 4;
  }
  return size;
}

/** Counted on the tokens, so an expansion is refused before it is built. */
const renderedLengthLimit: CoreRule = (state) => {
  if (renderedSize(state.tokens) > MARKUP_LIMITS.renderedLength) {
    const limit = MARKUP_LIMITS.renderedLength.toLocaleString('en-US');
    throw new MarkupLimitError(
      'renderedLength',
      `must not expand to more than ${limit} characters when rendered (a link reference repeats its URL each time it is used)`,
    );
  }
};

/** Installs the bounds on a markdown-it instance. */
export function markdownBounds(md: MarkdownIt): void {
  md.inline.ruler.before('html_inline', 'html_inline_others', htmlInlineOthers);
  md.block.ruler.at('table', boundedTable, { alt: ['paragraph', 'reference'] });
  md.block.ruler.before('table', 'nesting_limit', nestingLimit);
  md.core.ruler.push('rendered_length_limit', renderedLengthLimit);
}
