import MarkdownIt from 'markdown-it';
import { markdownBounds } from './markdown-bounds';
import { sanitizeHtml } from './sanitize';

/**
 * Markdown is rendered once, when an issue is saved, and both the source and the HTML are stored.
 * markdown-it (CommonMark) renders; raw HTML is allowed in the source because newsletters need it,
 * and everything then passes through an allowlist sanitizer: no scripts, no event handlers, no
 * `javascript:` or `data:` URLs except raster images, however their characters are written.
 */
const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false }).use(markdownBounds);

/**
 * The version of what renderMarkdown writes. Raise it whenever the renderer or the sanitizer
 * changes what they let through: the cron then renders every stored issue again.
 */
export const RENDERER_VERSION = 1;

/** Renders Markdown to sanitized HTML; throws MarkupLimitError for a body past MARKUP_LIMITS. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source)).trim();
}

/** What the sanitizer drops when `source` is rendered: nothing, for Markdown that needs no cleaning. */
export function sanitizerRemovals(source: string): string[] {
  const removed: string[] = [];
  sanitizeHtml(markdown.render(source), { removed: (what) => removed.push(what) });
  return removed;
}
