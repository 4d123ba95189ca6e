import type { Removal } from '../domain/email-import';
import type { Teaser } from '../domain/issue';
import { type DomDocument, type DomElement, type DomNode, holdersOf, isElement, pixels, styleOf, TEXT, textOf } from './dom';

/**
 * Newsletter structure, read from cleaned email HTML: the body laid out as a list of blocks
 * (headings, paragraphs, lists, quotes, tables, images), then the title and subtitle at the top,
 * the summary box ("3줄 요약", "TL;DR"), explainer cards ("생성형 AI란?" and a paragraph) as
 * teasers, the feedback call at the end, and section headings: real ones, and the emoji-led or
 * bold one-line paragraphs that emails use instead.
 */

type Kind = 'heading' | 'paragraph' | 'list' | 'quote' | 'pre' | 'table' | 'image' | 'separator';

export interface Block {
  kind: Kind;
  element: DomElement;
  level: number;
  text: string;
  /** Inside a boxed cell (a background or a border): a card. */
  box: boolean;
  /** The layout cell it came from: blocks of one cell belong together. */
  cell: string | null;
  /** The font size its cell or element gave it, in pixels. */
  fontSize: number | null;
  /** Whether all its text is bold. */
  bold: boolean;
  className: string;
}

const LEAF_BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'BLOCKQUOTE', 'PRE', 'TABLE', 'HR', 'FIGURE', 'DL']);
const CONTAINERS = new Set([
  'DIV',
  'CENTER',
  'SECTION',
  'ARTICLE',
  'HEADER',
  'FOOTER',
  'MAIN',
  'ASIDE',
  'TD',
  'TH',
  'TBODY',
  'THEAD',
  'TR',
  'NAV',
  'FONT',
  'FORM',
  'BODY',
  'DETAILS',
]);

function kindOf(element: DomElement): { kind: Kind; level: number } {
  const tag = element.tagName;
  if (/^H[1-6]$/.test(tag)) return { kind: 'heading', level: Number(tag[1]) };
  if (tag === 'UL' || tag === 'OL' || tag === 'DL') return { kind: 'list', level: 0 };
  if (tag === 'BLOCKQUOTE') return { kind: 'quote', level: 0 };
  if (tag === 'PRE') return { kind: 'pre', level: 0 };
  if (tag === 'TABLE') return { kind: 'table', level: 0 };
  if (tag === 'HR') return { kind: 'separator', level: 0 };
  return { kind: 'paragraph', level: 0 };
}

const fontSizeOf = (element: DomElement) => pixels(styleOf(element).get('font-size'));

function isBold(element: DomElement): boolean {
  const text = textOf(element);
  if (text === '') return false;
  const weight = styleOf(element).get('font-weight');
  if (weight !== undefined && (weight.startsWith('bold') || Number(weight) >= 600)) return true;
  const bold = [...element.querySelectorAll('strong, b')].map(textOf).join(' ');
  const spans = [...element.querySelectorAll('span')].filter((span) => {
    const w = styleOf(span).get('font-weight');
    return w !== undefined && (w.startsWith('bold') || Number(w) >= 600);
  });
  const boldText = `${bold} ${spans.map(textOf).join(' ')}`.replace(/\s+/g, '');
  return boldText.length >= text.replace(/\s+/g, '').length;
}

/** The body as blocks, in reading order. Inline runs between blocks become paragraphs (split at a blank line of <br>s). */
export function blocksOf(document: DomDocument): Block[] {
  const blocks: Block[] = [];
  const context = { box: false, cell: null as string | null, fontSize: null as number | null };
  const push = (element: DomElement, ctx: typeof context) => {
    const { kind, level } = kindOf(element);
    const text = textOf(element);
    const images = element.querySelectorAll('img').length + (element.tagName === 'IMG' ? 1 : 0);
    if (text === '' && images === 0 && kind !== 'separator') return;
    blocks.push({
      kind: kind === 'paragraph' && text === '' && images > 0 ? 'image' : kind,
      element,
      level,
      text,
      box: ctx.box,
      cell: ctx.cell,
      fontSize:
        fontSizeOf(element) ??
        [...element.querySelectorAll('[style*="font-size"]')].map(fontSizeOf).find((size) => size !== null) ??
        ctx.fontSize,
      bold: kind === 'paragraph' && isBold(element),
      className: element.getAttribute('class') ?? '',
    });
  };
  // Inline elements that hold blocks are walked into: found once, up front (the walk changes no
  // subtree before it reaches it), not by a query over each inline element's subtree.
  const holdsBlocks = holdersOf(document.body, 'p, div, h1, h2, h3, h4, h5, h6, ul, ol, table');
  const walk = (container: DomElement, ctx: typeof context) => {
    let run: DomNode[] = [];
    const flush = () => {
      // A run is split into paragraphs at two or more <br>s in a row.
      let paragraph: DomNode[] = [];
      let breaks = 0;
      const emit = () => {
        if (paragraph.length === 0) return;
        const p = document.createElement('p');
        // One at a time: a spread of very many nodes would overflow the stack.
        for (const node of paragraph) p.append(node);
        push(p, ctx);
        paragraph = [];
      };
      for (const node of run) {
        if (isElement(node) && node.tagName === 'BR') {
          breaks++;
          if (breaks >= 2) emit();
          else paragraph.push(node);
          continue;
        }
        if (node.nodeType === TEXT && (node.textContent ?? '').trim() === '' && breaks > 0) continue;
        breaks = 0;
        paragraph.push(node);
      }
      emit();
      run = [];
    };
    for (const child of [...container.childNodes]) {
      if (!isElement(child)) {
        run.push(child);
        continue;
      }
      if (LEAF_BLOCKS.has(child.tagName)) {
        flush();
        push(child, ctx);
      } else if (CONTAINERS.has(child.tagName) || holdsBlocks.has(child)) {
        flush();
        walk(child, {
          box: ctx.box || child.getAttribute('data-box') === '1',
          cell: child.getAttribute('data-cell') ?? ctx.cell,
          fontSize: fontSizeOf(child) ?? ctx.fontSize,
        });
      } else {
        run.push(child);
      }
    }
    flush();
  };
  walk(document.body, context);
  return blocks;
}

/** An emoji, or a mark that text-only newsletters use like one (■ ▶ ★ …), opening a line. */
const EMOJI_START = /^(?:\p{Extended_Pictographic}|[■□▶▷►●◆◇★☆▣◈✦✧])/u;
/**
 * The summary box's marker: the whole line ("📎3줄 요약", "In this issue:"), or the marker, a colon,
 * and the summary itself ("TL;DR: …"). Never a sentence that merely starts with "Summary".
 */
const SUMMARY_MARKER =
  /^(?:\p{Extended_Pictographic}|\uFE0F|\s)*(?:\d\s*줄\s*요약|[세셋한두]\s*줄\s*(?:요약|정리)|오늘의\s*요약|이번\s*호\s*요약|핵심\s*요약|요약|tl;?\s*dr|in (?:this|today's) (?:issue|edition)|at a glance|the short version|summary|quick summary)\s*(?:[:：]|$)/iu;
const LIST_ITEM = /^\s*(?:\d{1,2}\s*[.)]|[-•·▪◦‣✔✓☑*])\s+/;
/** A call for feedback: asking the reader how the issue was, or to reply (not a story that mentions feedback). */
const FEEDBACK =
  /어떠셨나요|어떠셧나요|어땠나요|어떠셨어요|피드백(?:을|\s*남기기|\s*보내|\s*주세요|은\s*큰)|의견을\s*(?:남겨|보내|들려)|설문(?:에)?\s*참여|답장(?:으로|해\s*주세요|\s*주세요)|(?:give|leave|send|share)\s+(?:us\s+)?(?:your\s+)?feedback|how (?:did we do|was (?:this|today)|do you like)|what did you think|rate (?:this|today'?s) (?:issue|email|edition|newsletter)|reply to this email|hit reply/i;
const EXPLAINER =
  /(?:이란|란|이란\s*무엇인가요|란\s*무엇인가요|[은는]\s*무엇인가요|[이가]\s*뭔가요|[이가]\s*뭘까요)\s*\?\s*$|^(?:what(?:'s| is| are)|who(?:'s| is| are))\b.{2,80}\?\s*$/i;
const READ_MORE =
  /^(?:read more|learn more|more|더\s*(?:알아보기|보기|읽기)|자세히(?:\s*보기)?|원문(?:\s*보기)?|전문\s*보기|→|»|>+)\s*[→»>]*\s*$/i;
/** A line that ends as a sentence does is not a heading (Korean headings end in nouns: 수요, 필요). */
const SENTENCE_END = /[.。:;,]$/;

export interface Structure {
  title: string | null;
  subtitle: string | null;
  summary: string[];
  teasers: Teaser[];
  feedbackCall: boolean;
  /** What stays in the body, in order; section headings as level 2 (level 3 for sub-sections). */
  body: Block[];
}

/** A block's lines: its text split where it has <br>s. */
function linesOf(element: DomElement): string[] {
  const lines: string[] = [''];
  const walk = (node: DomNode) => {
    for (const child of [...node.childNodes]) {
      if (isElement(child) && child.tagName === 'BR') lines.push('');
      else if (isElement(child)) walk(child);
      else if (child.nodeType === TEXT) lines[lines.length - 1] += child.textContent ?? '';
    }
  };
  walk(element);
  return lines.map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

function linkOf(block: Block | undefined): string | null {
  if (block === undefined) return null;
  const links = [...block.element.querySelectorAll('a[href]')];
  const last = links.at(-1);
  const href = last?.getAttribute('href') ?? null;
  return href !== null && /^https?:/i.test(href) ? href : null;
}

const isLinkOnly = (block: Block | undefined) =>
  block !== undefined && block.kind === 'paragraph' && block.element.querySelectorAll('a[href]').length > 0 && READ_MORE.test(block.text);

/** Reads the structure out of the blocks; `removals` gains the feedback call and the masthead. */
export function readStructure(blocks: Block[], removals: Removal[], subject: string | null): Structure {
  let rest = [...blocks];
  // The title: the first top-level heading near the top, or a line set in large type.
  const top = rest.slice(0, 10);
  const titleBlock =
    top.find((b) => b.kind === 'heading' && b.level === 1) ??
    top.find(
      (b) =>
        (b.kind === 'paragraph' || b.kind === 'heading') && (b.fontSize ?? 0) >= 22 && b.text.length <= 150 && !SUMMARY_MARKER.test(b.text),
    ) ??
    null;
  let title: string | null = null;
  let subtitle: string | null = null;
  // Prose above the heading means the heading is a story's, not the issue's: nothing above it is masthead.
  const proseAbove =
    titleBlock !== null &&
    rest
      .slice(0, rest.indexOf(titleBlock))
      .some(
        (b) =>
          b.kind === 'list' ||
          b.kind === 'table' ||
          b.kind === 'quote' ||
          (b.kind === 'paragraph' && (b.text.length > 60 || SENTENCE_END.test(b.text))),
      );
  if (titleBlock !== null && !proseAbove) {
    const at = rest.indexOf(titleBlock);
    // Above the title: the masthead (logo, date, issue number), not the issue.
    for (const above of rest.slice(0, at)) removals.push({ kind: 'masthead', sample: above.text || '(image)' });
    title = titleBlock.text;
    rest = rest.slice(at + 1);
    const next = rest[0];
    if (next !== undefined && isSubtitle(next, titleBlock)) {
      subtitle = next.text;
      rest = rest.slice(1);
    }
  } else if (subject !== null && rest[0] !== undefined && rest[0].text.length >= 4 && fold(subject).includes(fold(rest[0].text))) {
    // No heading: the subject names the issue, and a first line that repeats it is the masthead.
    removals.push({ kind: 'masthead', sample: rest[0].text });
    rest = rest.slice(1);
  }
  // Under the title, the byline and date the email repeated (the issue has its own).
  while (rest[0] !== undefined && isByline(rest[0])) {
    removals.push({ kind: 'byline', sample: rest[0].text });
    rest = rest.slice(1);
  }

  // The summary box: a marker and a short list, near the top.
  const summary: string[] = [];
  const markerAt = rest
    .slice(0, 8)
    .findIndex((b) => (b.kind === 'paragraph' || b.kind === 'heading') && SUMMARY_MARKER.test(b.text) && b.text.length <= 200);
  if (markerAt >= 0) {
    const marker = rest[markerAt]!;
    const inline = marker.text.replace(SUMMARY_MARKER, '').trim();
    const next = rest[markerAt + 1];
    let taken = 1;
    if (next?.kind === 'list') {
      summary.push(...[...next.element.querySelectorAll('li')].map(textOf).filter(Boolean));
      taken = 2;
    } else if (
      next?.kind === 'paragraph' &&
      linesOf(next.element).length > 1 &&
      linesOf(next.element).every((line) => LIST_ITEM.test(line))
    ) {
      // One paragraph of "1. …<br>2. …" lines.
      summary.push(...linesOf(next.element).map((line) => line.replace(LIST_ITEM, '').trim()));
      taken = 2;
    } else {
      while (rest[markerAt + taken]?.kind === 'paragraph' && LIST_ITEM.test(rest[markerAt + taken]!.text) && summary.length < 10) {
        summary.push(rest[markerAt + taken]!.text.replace(LIST_ITEM, '').trim());
        taken++;
      }
    }
    if (summary.length === 0 && inline !== '') summary.push(inline);
    if (summary.length > 0) rest.splice(markerAt, taken);
  }

  // The feedback call, at the end: its lines, and the rating or survey links under them.
  let feedbackCall = false;
  for (let i = rest.length - 1; i >= Math.max(0, rest.length - 8); i--) {
    const block = rest[i]!;
    if ((block.kind === 'paragraph' || block.kind === 'heading') && block.text.length <= 200 && FEEDBACK.test(block.text)) {
      feedbackCall = true;
      let end = i + 1;
      while (
        end < rest.length &&
        rest[end]!.kind === 'paragraph' &&
        rest[end]!.text.length <= 120 &&
        (FEEDBACK.test(rest[end]!.text) || rest[end]!.element.querySelectorAll('a').length > 0)
      )
        end++;
      for (const removed of rest.splice(i, end - i)) removals.push({ kind: 'feedback-call', sample: removed.text });
    }
  }

  // Explainer cards: a question-like title, one paragraph, maybe a "read more" link; then the card ends.
  const teasers: Teaser[] = [];
  const kept: Block[] = [];
  for (let i = 0; i < rest.length; i++) {
    const block = rest[i]!;
    const excerpt = rest[i + 1];
    // A section heading stays a section: a card's title is a short line, or a minor heading.
    const titleLike =
      ((block.kind === 'heading' && block.level >= 4) || (block.kind === 'paragraph' && block.text.length <= 80)) &&
      EXPLAINER.test(block.text);
    if (titleLike && excerpt?.kind === 'paragraph' && !EXPLAINER.test(excerpt.text)) {
      const more = isLinkOnly(rest[i + 2]) ? rest[i + 2] : undefined;
      const after = rest[i + (more === undefined ? 2 : 3)];
      const ends =
        after === undefined ||
        after.kind === 'heading' ||
        after.kind === 'separator' ||
        after.cell !== excerpt.cell ||
        EXPLAINER.test(after.text) ||
        (excerpt.box && after.box !== excerpt.box);
      if (ends) {
        const url = linkOf(more) ?? linkOf(block) ?? null;
        teasers.push({ title: block.text, excerpt: excerpt.text, url });
        i += more === undefined ? 1 : 2;
        continue;
      }
    }
    kept.push(block);
  }

  // Sections: real headings, and the one-line paragraphs emails use as headings.
  const body: Block[] = [];
  for (const block of kept) {
    if (block.kind === 'separator') continue;
    if (block.kind === 'heading') {
      body.push({ ...block, level: block.level <= 2 ? 2 : 3 });
      continue;
    }
    const oneLine = block.kind === 'paragraph' && block.element.querySelectorAll('br, img').length === 0 && !SENTENCE_END.test(block.text);
    if (oneLine && ((EMOJI_START.test(block.text) && block.text.length <= 80) || (block.bold && block.text.length <= 100))) {
      body.push({ ...block, kind: 'heading', level: 2 });
      continue;
    }
    body.push(block);
  }
  return { title, subtitle, summary, teasers, feedbackCall, body };
}

const fold = (text: string) => text.toLocaleLowerCase().replace(/\s+/g, ' ').trim();

const DATE_LINE =
  /^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:, \d{4})?|\d{4}[.\-/] ?\d{1,2}[.\-/] ?\d{1,2}\.?|\d{4}년 \d{1,2}월 \d{1,2}일.*|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4})$/i;

function isByline(block: Block): boolean {
  if (block.kind !== 'paragraph' || block.text.length > 60) return false;
  if (DATE_LINE.test(block.text) || /^(?:by|글|written by)\s/i.test(block.text)) return true;
  const links = [...block.element.querySelectorAll('a[href]')];
  return links.length === 1 && textOf(links[0]!) === block.text && /\/@|\/profile|\/author/i.test(links[0]!.getAttribute('href') ?? '');
}

function isSubtitle(block: Block, title: Block): boolean {
  if (block.text.length > 300 || SUMMARY_MARKER.test(block.text)) return false;
  if (/subtitle|subhead|sub-title|dek|standfirst|tagline/i.test(block.className)) return true;
  if (block.kind === 'heading') return block.level > Math.max(title.level, 2);
  if (block.kind !== 'paragraph' || block.text.length > 200) return false;
  const italic =
    block.element.querySelectorAll('em, i').length > 0 &&
    [...block.element.querySelectorAll('em, i')].map(textOf).join('').length >= block.text.length - 2;
  const style = styleOf(block.element);
  const grey = /^#(?:[5-9a-c][0-9a-f]{2}|[5-9a-c][0-9a-f]{5})$|gr[ae]y/i.test(style.get('color') ?? '');
  const size = block.fontSize;
  return italic || grey || (size !== null && size >= 15 && size < (title.fontSize ?? 99));
}
