import TurndownService from 'turndown';
import type { DomDocument, DomElement } from './dom';
import { textOf } from './dom';
import type { Block } from './structure';

/**
 * The body's blocks as Markdown, by Turndown (over linkedom's DOM), with rules of our own only for
 * what Turndown leaves to plugins: data tables, as GFM pipe tables (which our renderer reads).
 */
const turndown = new TurndownService({
  headingStyle: 'atx',
  hr: '---',
  bulletListMarker: '-',
  codeBlockStyle: 'fenced',
  emDelimiter: '*',
  strongDelimiter: '**',
  linkStyle: 'inlined',
});

/**
 * Text is escaped as Turndown does (Markdown syntax), and also `<` and entity-like `&…;`: text that
 * shows markup in the email ("&lt;img onerror=…&gt;") stays text in the Markdown, never raw HTML.
 */
const escapeMarkdown = turndown.escape.bind(turndown);
turndown.escape = (text: string) =>
  escapeMarkdown(text)
    .replace(/</g, '\\<')
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&');

const cellText = (cell: DomElement) => turndown.escape(textOf(cell)).replaceAll('|', '\\|');

turndown.addRule('table', {
  filter: 'table',
  replacement: (_content, node) => {
    const table = node as unknown as DomElement;
    const rows = [...table.querySelectorAll('tr')].map((row) =>
      [...row.children].filter((c) => c.tagName === 'TD' || c.tagName === 'TH').map(cellText),
    );
    const width = Math.max(0, ...rows.map((row) => row.length));
    if (width === 0) return '';
    const line = (cells: string[]) => `| ${[...cells, ...Array(width - cells.length).fill('')].join(' | ')} |`;
    const [head = [], ...body] = rows;
    return `\n\n${[line(head), line(Array(width).fill('---')), ...body.map(line)].join('\n')}\n\n`;
  },
});

// Layout leftovers Turndown would keep as text-less markup.
turndown.remove(['style', 'script', 'colgroup', 'col']);

/** Markdown of the body blocks; headings are written at the level the structure gave them. */
export function blocksToMarkdown(document: DomDocument, blocks: readonly Block[]): string {
  const root = document.createElement('div');
  for (const block of blocks) {
    if (block.kind === 'heading') {
      const heading = document.createElement(`h${block.level}`);
      heading.append(block.text);
      root.append(heading);
    } else {
      root.append(block.element);
    }
  }
  // One text node per run of text, so that escaping sees "&lt;" whole, not "&" and "lt;" apart.
  root.normalize();
  const markdown = turndown.turndown(root as unknown as Parameters<TurndownService['turndown']>[0]);
  return markdown
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .filter((line) => !/^\s*\\?\|\s*$/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
