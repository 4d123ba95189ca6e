import { Parser } from 'htmlparser2';
import { MARKUP_LIMITS, MarkupLimitError } from './markup-limits';
import { isSafeUrl } from './url-policy';

/**
 * An allowlist sanitizer on a real HTML parser (htmlparser2): it decodes every character reference
 * as a browser does, judges the decoded values, and writes new markup from them. Nothing of the
 * source is passed through, so what a browser reads is exactly what was judged.
 */

/** The tags a body may use, each with the attributes it may keep. */
const ALLOWED: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    a: 'href title',
    img: 'src alt title width height',
    p: '',
    br: '',
    hr: '',
    blockquote: 'cite',
    pre: '',
    code: 'class',
    h1: '',
    h2: '',
    h3: '',
    h4: '',
    h5: '',
    h6: '',
    ul: '',
    ol: 'start',
    li: '',
    em: '',
    strong: '',
    del: '',
    s: '',
    ins: '',
    mark: '',
    sub: '',
    sup: '',
    small: '',
    kbd: '',
    abbr: 'title',
    table: '',
    thead: '',
    tbody: '',
    tfoot: '',
    tr: '',
    th: 'style colspan rowspan',
    td: 'style colspan rowspan',
    figure: '',
    figcaption: '',
    details: '',
    summary: '',
    span: '',
    div: '',
    section: '',
  }).map(([tag, attributes]) => [tag, new Set(attributes.split(' ').filter(Boolean))]),
);

/** Removed together with everything inside them. Other unknown tags lose the tag and keep the text. */
const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math']);
const VOID = new Set(['img', 'br', 'hr']);
const TEXT_ALIGN = /^\s*text-align\s*:\s*(left|right|center|justify|start|end)\s*$/i;
/** C0 and C1 controls but tab, line feed and carriage return: character references can make them. */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeDecoded(decoded: string): string {
  return decoded.replace(CONTROLS, '').replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

/** The value to keep for an allowed attribute, decoded; null to drop the attribute. */
function keptValue(name: string, value: string): string | null {
  switch (name) {
    case 'href':
    case 'src':
    case 'cite':
      return isSafeUrl(name, value.replace(CONTROLS, '')) ? value : null;
    case 'class':
      return /^language-[\w+#-]+$/.test(value) ? value : null;
    case 'style': {
      // Only the alignment Markdown tables write; the last declaration wins, as in CSS.
      const align = value
        .split(';')
        .map((d) => TEXT_ALIGN.exec(d)?.[1])
        .filter(Boolean)
        .at(-1);
      return align === undefined ? null : `text-align:${align.toLowerCase()};`;
    }
    default:
      return value;
  }
}

/**
 * How sanitized HTML is written for a place away from the issue page: the stored HTML is written
 * once with the defaults, and feeds and embeds sanitize it again with their own policy.
 */
export interface OutputPolicy {
  /** Resolves relative `href`, `src` and `cite` against this URL (feeds and embeds are read elsewhere). */
  base?: string;
  /** `links`: each image becomes a link to it, its alt text the label (embeds make no request of their own). */
  images?: 'keep' | 'links';
  /** Images whose (resolved) source starts with this stay images even under `links`: our own media, which an embed's CSP allows. */
  keepImagesFrom?: string;
  /**
   * Written on every kept image: `loading="lazy"` and `decoding="async"`, and the width and height
   * of the ones found here (by resolved source), so the page does not shift as they load.
   */
  imageSizes?: ImageSizes;
  /**
   * Smaller widths of an image of known size, as a `srcset` value (Cloudflare Images
   * transformations), or null to serve the original alone; `sizes` goes with it.
   */
  srcset?: { of: (src: string, width: number) => string | null; sizes: string };
  /** Told of each tag, attribute or value the sanitizer drops (the importer reports them). */
  removed?: (what: string) => void;
}

/** Image sizes by source URL (absolute, or the site-relative path an issue wrote). */
export type ImageSizes = ReadonlyMap<string, { width: number; height: number }>;

const URL_ATTRIBUTES = new Set(['href', 'src', 'cite']);

/** A URL as the WHATWG URL parser starts on it: tabs and newlines removed, controls and spaces trimmed. */
const asParsed = (value: string) => value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');

/**
 * A URL attribute's (decoded) value, absolute against `base` when it is relative; fragments and
 * empty values stay. Whether it has a scheme is judged as the WHATWG URL parser reads it: with
 * tabs and newlines removed, and leading and trailing controls and spaces trimmed.
 */
function resolved(value: string, base: string | undefined): string {
  const bare = asParsed(value);
  if (base === undefined || bare === '' || /^(?:[a-z][a-z0-9+.-]*:|#)/i.test(bare)) return value;
  return URL.canParse(value, base) ? new URL(value, base).href : value;
}

/** The attributes of an allowed tag that survive, decoded and judged (and resolved, by the policy). */
function keptAttributes(
  tag: string,
  attributes: Record<string, string>,
  allowed: ReadonlySet<string>,
  policy: OutputPolicy,
): Map<string, string> {
  const kept = new Map<string, string>();
  for (const [name, value] of Object.entries(attributes)) {
    if (!allowed.has(name)) {
      policy.removed?.(`the ${name} attribute of <${tag}>`);
      continue;
    }
    const judged = keptValue(name, value);
    if (judged !== null) kept.set(name, URL_ATTRIBUTES.has(name) ? resolved(judged, policy.base) : judged);
    else policy.removed?.(`the ${name} of <${tag}>: ${value.slice(0, 80)}`);
  }
  return kept;
}

/**
 * Whether `url` is under `prefix` (an absolute URL ending in a path) once both are parsed as a
 * browser would: same origin, path below it; `..` and case in the host cannot fake it.
 */
export function isUnder(url: string, prefix: string): boolean {
  if (!URL.canParse(url) || !URL.canParse(prefix)) return false;
  const target = new URL(url);
  const base = new URL(prefix);
  return target.origin === base.origin && target.pathname.startsWith(base.pathname);
}

function openTag(
  tag: string,
  attributes: Record<string, string>,
  allowed: ReadonlySet<string>,
  policy: OutputPolicy,
  insideLink: boolean,
): string {
  const kept = keptAttributes(tag, attributes, allowed, policy);
  const own = tag === 'img' && policy.keepImagesFrom !== undefined && isUnder(kept.get('src') ?? '', policy.keepImagesFrom);
  if (tag === 'img' && policy.images === 'links' && !own) {
    const src = kept.get('src');
    if (src === undefined) return '';
    const label = `🖼 ${escapeDecoded(kept.get('alt') || '이미지')}`;
    // Only the label where a link cannot be: inside a link (links do not nest), or for an inline
    // data: image (a page cannot navigate to one).
    if (insideLink || /^data:/i.test(asParsed(src))) return label;
    return `<a href="${escapeDecoded(src)}">${label}</a>`;
  }
  if (tag === 'img' && policy.imageSizes !== undefined) {
    const size = policy.imageSizes.get(kept.get('src') ?? '');
    if (size !== undefined && !kept.has('width') && !kept.has('height')) {
      kept.set('width', String(size.width));
      kept.set('height', String(size.height));
    }
    const srcset = size === undefined ? null : (policy.srcset?.of(kept.get('src') ?? '', size.width) ?? null);
    if (srcset !== null && policy.srcset !== undefined) {
      kept.set('srcset', srcset);
      kept.set('sizes', policy.srcset.sizes);
    }
    kept.set('loading', 'lazy');
    kept.set('decoding', 'async');
  }
  let markup = `<${tag}`;
  for (const [name, value] of kept) markup += ` ${name}="${escapeDecoded(value)}"`;
  return `${markup}>`;
}

/** Counts what MARKUP_LIMITS bounds, as the parser reports it, and throws past a limit. */
class LimitCounter {
  private depth = 0;
  private attributes = 0;
  private tag = '';

  open(tag: string): void {
    this.checkName(tag);
    if (++this.depth > MARKUP_LIMITS.htmlDepth) {
      throw new MarkupLimitError('htmlDepth', `must not nest HTML elements more than ${MARKUP_LIMITS.htmlDepth} deep`);
    }
    this.tag = tag;
    this.attributes = 0;
  }

  attribute(name: string): void {
    this.checkName(name);
    if (++this.attributes > MARKUP_LIMITS.attributesPerElement) {
      throw new MarkupLimitError(
        'attributesPerElement',
        `must not have more than ${MARKUP_LIMITS.attributesPerElement} attributes on one element (a <${this.tag}> has more)`,
      );
    }
  }

  close(): void {
    this.depth--;
  }

  private checkName(name: string): void {
    if (name.length > MARKUP_LIMITS.nameLength) {
      throw new MarkupLimitError('nameLength', `must not have a tag or attribute name longer than ${MARKUP_LIMITS.nameLength} characters`);
    }
  }
}

/**
 * Sanitized HTML: allowed tags and attributes only, every element closed, no comments, written by
 * `policy` (by default as the issue page shows it). Sanitizing its own output again changes nothing. Throws
 * MarkupLimitError past MARKUP_LIMITS: the parser's own work per element grows with the depth of
 * its stack, and js-xss's grew with the square of the attributes on a tag.
 */
export function sanitizeHtml(html: string, policy: OutputPolicy = {}): string {
  const out: string[] = [];
  const limits = new LimitCounter();
  // Above zero while inside an element that is dropped with its content.
  let dropping = 0;
  // A start tag that the source ends inside of: the parser still closes its element at the end.
  let unfinished = false;
  // How many written <a> elements are open (an image written as a link must not nest in one).
  let links = 0;
  const parser = new Parser(
    {
      onopentagname(tag) {
        limits.open(tag);
        unfinished = true;
      },
      onattribute: (name) => limits.attribute(name),
      onopentag(tag, attributes) {
        unfinished = false;
        if (dropping > 0 || DROPPED_WITH_CONTENT.has(tag)) {
          if (dropping === 0) policy.removed?.(`<${tag}> and its content`);
          dropping++;
        } else {
          const allowed = ALLOWED.get(tag);
          if (allowed === undefined) policy.removed?.(`<${tag}>`);
          if (allowed !== undefined) out.push(openTag(tag, attributes, allowed, policy, links > 0));
          if (tag === 'a') links++;
        }
      },
      ontext(text) {
        if (dropping === 0) out.push(escapeDecoded(text));
      },
      // The parser closes every element it opened (void ones at once, unclosed ones at the end).
      onclosetag(tag) {
        limits.close();
        if (unfinished) unfinished = false;
        else if (dropping > 0) dropping--;
        else if (ALLOWED.has(tag) && !VOID.has(tag)) {
          out.push(`</${tag}>`);
          if (tag === 'a') links--;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.end(html);
  return out.join('');
}
