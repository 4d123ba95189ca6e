import { parse, parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';

/**
 * Reads sanitized HTML as a browser does (parse5 implements the WHATWG parser, entities decoded)
 * and lists what a reader's browser could run or be sent to. Written apart from the sanitizer on
 * purpose: it shares no code with it, so a mistake in one is not repeated in the other.
 */

const SAFE_TAGS = new Set(
  (
    'a img p br hr blockquote pre code h1 h2 h3 h4 h5 h6 ul ol li em strong del s ins mark sub sup small kbd abbr ' +
    'table thead tbody tfoot tr th td figure figcaption details summary span div section'
  ).split(' '),
);
const SAFE_ATTRIBUTES = new Set('href src cite title alt width height start class style colspan rowspan'.split(' '));
/** Every attribute that a browser reads as a URL, not only the ones Masthead allows. */
const URL_ATTRIBUTES = new Set(
  (
    'href src cite action formaction data poster background srcset xlink:href longdesc usemap ping codebase ' +
    'classid archive dynsrc lowsrc icon manifest profile'
  ).split(' '),
);
const RASTER_DATA = /^data:image\/(?:png|gif|jpe?g|webp|avif);base64,/i;

/** The scheme a browser's URL parser reads from an attribute value, lowercased; null if relative. */
export function browserScheme(value: string): string | null {
  // WHATWG URL: remove ASCII tab and newline anywhere, then leading and trailing C0 controls and spaces.
  const url = value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? null;
}

function urlViolation(tag: string, name: string, value: string): string | null {
  const scheme = browserScheme(value);
  if (scheme === null || ['http', 'https', 'mailto', 'tel'].includes(scheme)) return null;
  const trimmed = value.replace(/[\t\n\r]/g, '').trim();
  if (tag === 'img' && name === 'src' && RASTER_DATA.test(trimmed)) return null;
  return `<${tag} ${name}="${value}">: scheme ${scheme}`;
}

function attributeViolation(tag: string, { name, value }: { name: string; value: string }): string | null {
  if (name.startsWith('on')) return `<${tag} ${name}>: event handler`;
  if (URL_ATTRIBUTES.has(name)) {
    const url = urlViolation(tag, name, value);
    if (url !== null) return url;
  }
  // Written by the output policy on every image a page shows, with these values only.
  if (tag === 'img' && ((name === 'loading' && value === 'lazy') || (name === 'decoding' && value === 'async'))) return null;
  if (!SAFE_ATTRIBUTES.has(name)) return `<${tag} ${name}>: attribute not allowed`;
  if (name === 'class' && !(tag === 'code' && /^language-[\w+#-]+$/.test(value))) return `<${tag} class="${value}">`;
  if (name === 'style' && !/^\s*text-align\s*:\s*[a-z]+\s*;?\s*$/i.test(value)) return `<${tag} style="${value}">`;
  return null;
}

function walk(node: T.ParentNode, found: string[]): void {
  for (const child of node.childNodes) {
    if (child.nodeName === '#comment') found.push('a comment');
    if (!('tagName' in child)) continue;
    if (!SAFE_TAGS.has(child.tagName)) found.push(`<${child.tagName}>: tag not allowed`);
    for (const attribute of child.attrs) {
      const violation = attributeViolation(child.tagName, attribute);
      if (violation !== null) found.push(violation);
    }
    walk(child.tagName === 'template' ? (child as T.Template).content : child, found);
  }
}

/** What in an HTML fragment breaks the allowlist; empty when it is safe to serve. */
export function violations(html: string): string[] {
  const found: string[] = [];
  walk(parseFragment(html), found);
  return found;
}

function findByClass(node: T.ParentNode, className: string): T.Element | null {
  for (const child of node.childNodes) {
    if (!('tagName' in child)) continue;
    if (child.attrs.some((a) => a.name === 'class' && a.value.split(' ').includes(className))) return child;
    const inner = findByClass(child, className);
    if (inner !== null) return inner;
  }
  return null;
}

/** The violations inside a whole page's element of class `className` (the body). */
export function violationsInPage(page: string, className: string): string[] {
  const element = findByClass(parse(page), className);
  if (element === null) return [`no element of class ${className}`];
  const found: string[] = [];
  walk(element, found);
  return found;
}
