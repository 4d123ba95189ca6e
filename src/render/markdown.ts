import MarkdownIt from 'markdown-it';
import * as xssModule from 'xss';

// js-xss is CommonJS with `module.exports = fn` plus properties: esbuild (wrangler) exposes them
// as named exports, the test runner's CJS interop only as `default`. Take whichever is there.
const xss = ((xssModule as unknown as { default?: typeof xssModule }).default ?? xssModule) as typeof xssModule;

/**
 * Markdown is rendered once, when an issue is saved, and both the source and the HTML are stored.
 * markdown-it (CommonMark) renders; raw HTML is allowed in the source because newsletters need it,
 * and everything then passes through an allowlist sanitizer (js-xss): no scripts, no event
 * handlers, no `javascript:` or `data:` URLs except raster images.
 */
const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });

const ALLOWED: Record<string, string[]> = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  p: [], br: [], hr: [], blockquote: ['cite'], pre: [], code: ['class'],
  h1: [], h2: [], h3: [], h4: [], h5: [], h6: [],
  ul: [], ol: ['start'], li: [],
  em: [], strong: [], del: [], s: [], ins: [], mark: [], sub: [], sup: [], small: [], kbd: [], abbr: ['title'],
  table: [], thead: [], tbody: [], tfoot: [], tr: [], th: ['style', 'colspan', 'rowspan'], td: ['style', 'colspan', 'rowspan'],
  figure: [], figcaption: [], details: [], summary: [], span: [], div: [], section: [],
};

const SAFE_LINK = /^(?:https?:|mailto:|tel:|#|\/|\.{0,2}\/|[^:/?#]*(?:[/?#]|$))/i;
const SAFE_IMAGE = /^(?:https?:|\/|\.{0,2}\/|data:image\/(?:png|gif|jpe?g|webp|avif);base64,[a-z0-9+/=\s]+$|[^:/?#]*(?:[/?#]|$))/i;

/** Whether a URL attribute value is safe for the attribute it sits in. */
export function isSafeUrl(attribute: 'href' | 'src' | 'cite', value: string): boolean {
  // Browsers ignore these characters inside a scheme ("java\tscript:"), so judge the URL without them.
  const url = value.replace(/[\u0000-\u0020\u007F-\u009F]/g, '');
  return (attribute === 'src' ? SAFE_IMAGE : SAFE_LINK).test(url);
}

const sanitizer = new xss.FilterXSS({
  whiteList: ALLOWED,
  stripIgnoreTag: true,
  stripIgnoreTagBody: ['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math'],
  allowCommentTag: false,
  css: { whiteList: { 'text-align': true } },
  safeAttrValue(tag, name, value, cssFilter) {
    if (name === 'href' || name === 'src' || name === 'cite') {
      const decoded = value.replace(/&(?:#x?[0-9a-f]+|colon|tab|newline);?/gi, ' ');
      return isSafeUrl(name, decoded) && isSafeUrl(name, value) ? xss.escapeAttrValue(value) : '';
    }
    if (name === 'style') return xss.escapeAttrValue(cssFilter.process(value));
    if (name === 'class') return /^language-[\w+#-]+$/.test(value) ? value : '';
    return xss.escapeAttrValue(value);
  },
});

/** Renders Markdown to sanitized HTML. */
export function renderMarkdown(source: string): string {
  return sanitizer.process(markdown.render(source)).trim();
}
