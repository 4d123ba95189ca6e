import type { Removal } from '../domain/email-import';
import {
  COMMENT,
  type DomDocument,
  type DomElement,
  type DomNode,
  descendantsOfType,
  holdersOf,
  isElement,
  pixels,
  styleOf,
  TEXT,
  textOf,
} from './dom';
import { isTrackerHost, readLink, withoutCampaignParameters } from './links';

/**
 * Takes out of a sent newsletter's HTML what belongs to the email, not the issue, and records
 * each removal: scripts and forms, hidden and preheader text, tracking pixels and spacers,
 * "view in browser", unsubscribe and address footers, share rows, the service's branding, and
 * layout tables (unwrapped: their content stays; real data tables stay tables). Links are
 * unwrapped from click-tracking redirects that name their target, and lose campaign parameters.
 */

/** Dropped with everything inside them. */
const UNSAFE =
  'script, style, head, title, meta, link, noscript, template, iframe, frame, frameset, object, embed, applet, form, input, select, textarea, button, svg, math, base';

const VIEW_IN_BROWSER =
  /view (?:this (?:email|newsletter|issue) )?(?:in|on) (?:your |a )?(?:web )?browser|view (?:it )?online|웹(?:에서|으로)\s*보기|브라우저(?:에서|로)\s*보기|웹\s*버전|메일이\s*잘\s*안\s*보이(?:나요|시나요|면)|having trouble viewing/i;
/** A link's whole text when it is an unsubscribe or preferences link (never a story about one). */
const UNSUBSCRIBE =
  /^(?:click here to |to |or )?(?:unsubscribe(?: from (?:this|our) (?:list|newsletter|emails?))?(?: here| now)?|opt[ -]?out|manage (?:your )?(?:preferences|subscription|email preferences)|update (?:your )?(?:preferences|subscription(?: preferences)?)|email preferences|수신\s*거부(?:하기)?|수신\s*거절|구독\s*(?:취소|해지|해제|정보\s*변경)(?:하기)?|수신\s*설정)[.!]?$/i;
const FOOTER =
  /currently a (?:free|paid) subscriber|upgrade your subscription|copyright|©|all rights reserved|you (?:are )?receiv(?:ed|ing) this|you (?:signed|subscribed) up|our mailing address|mailing address is|add us to your address book|this email was sent|sent to .+@|수신을\s*원하지|메일(?:은|을)\s*.{0,20}(?:발송|수신)|발신\s*전용|사업자\s*등록\s*번호|대표\s*:|주소\s*:|no longer wish to receive/i;
const BRANDING =
  /powered by|made with|sent (?:with|via)|intuit mailchimp|mailchimp|stibee|스티비|maily|메일리|buttondown|substack is the home|start writing|get the app|beehiiv|convertkit|kit\.com|referral badge/i;
const SOCIAL_HOSTS =
  /(?:^|\.)(?:facebook\.com|fb\.com|twitter\.com|x\.com|linkedin\.com|instagram\.com|youtube\.com|threads\.net|kakao\.com|pf\.kakao\.com|story\.kakao\.com|band\.us|pinterest\.com|tiktok\.com|bsky\.app|t\.me|line\.me|reddit\.com)$/i;
const SHARE_WORDS =
  /^(?:share|subscribe(?: now)?|upgrade|구독(?:하기)?|tweet|post|like|comment|restack|forward|공유(?:하기)?|좋아요|댓글|follow(?: us)?|팔로우|facebook|twitter|x|linkedin|instagram|youtube|kakao(?:talk)?|카카오(?:톡)?|페이스북|인스타그램|유튜브|트위터|스레드|threads|이메일|email|copy link|링크 복사|\W)*$/i;

const BLOCK_CONTAINERS = new Set([
  'P',
  'TD',
  'TH',
  'DIV',
  'LI',
  'TR',
  'TABLE',
  'CENTER',
  'SECTION',
  'FOOTER',
  'HEADER',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'BLOCKQUOTE',
]);

const sample = (text: string) => (text.length > 100 ? `${text.slice(0, 99)}…` : text);

/** Text lengths of elements, each computed once (the tree only loses nodes meanwhile, so a length is never too small). */
export class TextLengths {
  private readonly cache = new Map<DomNode, number>();

  of(node: DomNode): number {
    const known = this.cache.get(node);
    if (known !== undefined) return known;
    let length = 0;
    if (node.nodeType === TEXT) length = (node.textContent ?? '').trim().length;
    else for (const child of node.childNodes) length += this.of(child);
    this.cache.set(node, length);
    return length;
  }
}

/**
 * Whether nodes are still in the document (an ancestor may have been removed). A climb stops at an
 * element already found attached, so that asking for every link of a deep document climbs each
 * ancestor once, not once per link under it; `removed()` forgets the removed element and those in
 * it (which remove() has just walked for its text anyway).
 */
class Attachment {
  private readonly attached = new Set<DomNode>();
  constructor(private readonly body: DomElement) {}

  /** To be called when `element` leaves the tree; `alone`: its children stayed (replaceWith). */
  removed(element: DomElement, alone = false): void {
    if (this.attached.size === 0) return;
    this.attached.delete(element);
    if (!alone) for (const inside of element.querySelectorAll('*')) this.attached.delete(inside);
  }

  has(node: DomNode): boolean {
    const path: DomNode[] = [];
    let current: DomNode | null = node;
    while (current !== null && current !== this.body && !this.attached.has(current)) {
      path.push(current);
      current = current.parentNode;
    }
    if (current === null) return false;
    for (const passed of path) this.attached.add(passed);
    return true;
  }
}

/** A profile's path on a social site: /name, /@name, /company/name and the like (not a post or a video). */
const PROFILE_PATH =
  /^\/(?:@[\w.-]+|(?:company|channel|c|user|in|pages|groups)\/[\w.-]+|(?!watch\b|status\b|posts?\b|reel\b|video\b)[\w.-]+)\/?$/i;

/**
 * A share button's address, or a follow link to a profile on a social site: never a link to a post
 * or a video. Judged by where the link goes: a click-tracking redirect that names its target is
 * unwrapped first.
 */
export function isShareOrFollowLink(link: string): boolean {
  const href = readLink(link).url;
  if (
    /\/(?:sharer|share|intent\/(?:tweet|post|compose)|shareArticle)\b|\/subscribe(?:\?|$)|[?&]action=(?:like|comment|restack|share)/i.test(
      href,
    )
  )
    return true;
  return isEndpoint(href);
}

/** A share endpoint or a profile to follow (`href` already unwrapped). */
const isEndpoint = (href: string) => isShareEndpoint(href) || isFollowLink(href);

/** Services whose share buttons newsletters carry, besides the social sites. */
const SHARE_HOSTS =
  /(?:^|\.)(?:whatsapp\.com|wa\.me|telegram\.me|news\.ycombinator\.com|threads\.com|mastodon\.social|getpocket\.com|tumblr\.com)$/i;
/** A share service's endpoint path: sharer.php, share-offsite, intent/post, submit, pin/create, send, msg/text. */
const SHARE_PATH =
  /^\/(?:[\w.-]+\/)*(?:sharer(?:\.php)?|share(?:[\w-]*)?|sharing|shareArticle|intent|submit(?:link)?|pin\/create|send|msg|widget\/share)(?:[/.?]|$)/i;

/** A share button's address on a social site or a share service (not a link that merely says "share"). */
function isShareEndpoint(href: string): boolean {
  if (!URL.canParse(href)) return false;
  const url = new URL(href);
  if (!SOCIAL_HOSTS.test(url.hostname) && !SHARE_HOSTS.test(url.hostname)) return false;
  return SHARE_PATH.test(url.pathname) || (/^(?:wa\.me|api\.whatsapp\.com)$/i.test(url.hostname) && url.searchParams.has('text'));
}

/** A follow link: a profile's address on a social site. */
function isFollowLink(href: string): boolean {
  if (!URL.canParse(href)) return false;
  const url = new URL(href);
  return SOCIAL_HOSTS.test(url.hostname) && PROFILE_PATH.test(url.pathname);
}

/**
 * The share or follow row around a link to a share or follow endpoint, or null: the small block
 * around it, when it says nothing but share words and icons, or when every link in it goes to a
 * share or follow endpoint and nothing outside its links is said, whatever the links' labels
 * ("Tell your friends"). A sentence that names people by their profiles is prose, and stays.
 */
export function shareRowAround(link: DomElement, lengths = new TextLengths()): DomElement | null {
  const block = smallBlockAround(link, 160, lengths);
  if (block === null) return null;
  if (SHARE_WORDS.test(textOf(block))) return block;
  const links = [...block.querySelectorAll('a')];
  if (links.length < 2) return null;
  if (!links.every((a) => isEndpoint(readLink((a.getAttribute('href') ?? '').trim()).url))) return null;
  let outside = textOf(block);
  for (const a of links) outside = outside.replace(textOf(a), '');
  return /^[\s\p{P}\p{S}]*$/u.test(outside) ? block : null;
}

/** At most this many links are judged as footer, share or "view in browser" links. */
const MAX_INSPECTED_LINKS = 2_000;

/**
 * The smallest block around `node` whose text is short: what a footer line or a share row is. It
 * climbs through table cells and rows, never past a paragraph, a list item or a heading.
 */
function smallBlockAround(node: DomElement, maxText: number, lengths: TextLengths): DomElement | null {
  let block: DomElement | null = node;
  let best: DomElement | null = null;
  while (block !== null && block.tagName !== 'BODY') {
    if (BLOCK_CONTAINERS.has(block.tagName)) {
      if (lengths.of(block) > maxText) break;
      best = block;
      if (block.tagName !== 'TD' && block.tagName !== 'TH' && block.tagName !== 'TR') break;
    }
    block = block.parentNode;
  }
  return best;
}

function isHidden(element: DomElement): boolean {
  const style = styleOf(element);
  if (style.get('display')?.startsWith('none') || style.get('visibility')?.startsWith('hidden') || style.get('mso-hide')?.startsWith('all'))
    return true;
  if (element.hasAttribute('hidden')) return true;
  const zero = (name: string) => pixels(style.get(name)) === 0;
  return (
    (zero('max-height') || zero('height')) &&
    (style.get('overflow')?.startsWith('hidden') ?? false) &&
    element.querySelector('img') === null
  );
}

/** An image's size from its attributes or its style, where given. */
function sizeOf(img: DomElement): { width: number | null; height: number | null } {
  const style = styleOf(img);
  return {
    width: pixels(img.getAttribute('width')) ?? pixels(style.get('width')),
    height: pixels(img.getAttribute('height')) ?? pixels(style.get('height')),
  };
}

/** Whether a table lays the email out rather than holding data. */
function isLayoutTable(table: DomElement): boolean {
  const role = table.getAttribute('role');
  if (role === 'presentation' || role === 'none') return true;
  // One match is enough: querySelector stops there (the subtree holds every inner table, already unwrapped).
  if (table.querySelector('table, img, p, div, h1, h2, h3, h4, h5, h6, ul, ol, blockquote') !== null) return true;
  const rows = [...table.querySelectorAll('tr')];
  if (rows.length < 2) return true;
  const widths = rows.map((row) => [...row.children].filter((cell) => cell.tagName === 'TD' || cell.tagName === 'TH').length);
  if (Math.max(...widths) < 2) return true;
  // Data tables have header cells, or at least short cells in a regular grid.
  if (table.querySelectorAll('th').length > 0) return false;
  return [...table.querySelectorAll('td')].some((cell) => textOf(cell).length > 200);
}

/** The nearest table around `node` (itself excluded), or null: what `closest('table')` finds from a cell, without a selector. */
function tableAround(node: DomNode): DomElement | null {
  let up = node.parentNode;
  while (up !== null && up.tagName !== 'TABLE') up = up.parentNode;
  return up;
}

/**
 * The td and th under `table`, in document order, as `querySelectorAll('td, th')` lists them, less
 * those no walk needs to visit: inside a nested table (their table is that one), or inside a
 * <div> that unwrapping made (`unwrapped`) and that holds no cell. The content of every inner
 * table unwrapped before is in such divs, so each table walks its own markup, not its subtree.
 */
function cellsOf(table: DomElement, unwrapped: ReadonlySet<DomNode>): DomElement[] {
  const found: DomElement[] = [];
  const walk = (node: DomElement) => {
    for (const child of node.children) {
      if (child.tagName === 'TABLE' || unwrapped.has(child)) continue;
      if (child.tagName === 'TD' || child.tagName === 'TH') found.push(child);
      walk(child);
    }
  };
  walk(table);
  return found;
}

/**
 * Replaces a layout table by its cells' content, each cell a <div> (marked as one, for the structure
 * pass). The divs go into `unwrapped` unless a cell was left out (a cell inside a cell, detached by
 * then): the next table out walks into those.
 */
let cells = 0;
function unwrapTable(document: DomDocument, table: DomElement, unwrapped: Set<DomNode>): void {
  const parts: DomNode[] = [];
  let leftOut = false;
  for (const cell of cellsOf(table, unwrapped)) {
    if (tableAround(cell) !== table) {
      leftOut = true;
      continue;
    }
    const div = document.createElement('div');
    div.setAttribute('data-cell', String(++cells));
    const style = styleOf(cell);
    const background = cell.getAttribute('bgcolor') ?? style.get('background-color') ?? style.get('background') ?? null;
    const border = style.get('border') ?? style.get('border-left') ?? null;
    if (
      (background !== null && !/^#?f{3}(?:f{3})?$|^white$|^transparent$/i.test(background)) ||
      (border !== null && !/^(?:0|none)/.test(border))
    ) {
      div.setAttribute('data-box', '1');
    }
    const fontSize = style.get('font-size');
    if (fontSize !== undefined) div.setAttribute('style', `font-size:${fontSize}`);
    for (const child of [...cell.childNodes]) div.append(child);
    parts.push(div);
  }
  if (!leftOut) for (const part of parts) unwrapped.add(part);
  table.replaceWith(...parts);
}

export interface Cleaned {
  removals: Removal[];
  /** Links whose target only the network can tell (a tracker's opaque redirect). */
  opaqueLinks: DomElement[];
}

/** Cleans `document` in place; `stripCampaign` also drops utm_* and the like from links. */
export function cleanEmail(document: DomDocument, options: { stripCampaign: boolean }): Cleaned {
  const removals: Removal[] = [];
  const body = document.body;
  const attachment = new Attachment(body);
  const remove = (node: DomElement, kind: Removal['kind'], text = textOf(node)) => {
    removals.push({ kind, sample: sample(text) });
    node.remove();
    attachment.removed(node);
  };

  // Comments (Outlook's conditional markup), then what must never reach the draft.
  for (const comment of descendantsOfType(body, COMMENT)) comment.remove();
  for (const element of [...body.querySelectorAll(UNSAFE)]) {
    if (!['STYLE', 'META', 'LINK', 'TITLE', 'HEAD', 'BASE'].includes(element.tagName))
      removals.push({ kind: 'unsafe-content', sample: `<${element.tagName.toLowerCase()}>` });
    element.remove();
  }

  // Hidden text: the preheader (the inbox preview) first, then anything else hidden.
  let preheaderSeen = false;
  for (const element of [...body.querySelectorAll('*')]) {
    if (element.parentNode === null || !isHidden(element)) continue;
    const isPreheader = !preheaderSeen || /preheader|preview/i.test(element.getAttribute('class') ?? '');
    preheaderSeen = true;
    remove(element, isPreheader ? 'preheader' : 'hidden-content');
  }
  for (const element of [...body.querySelectorAll('[class*="preheader"], [class*="preview-text"], [id*="preheader"]')]) {
    if (element.parentNode !== null) remove(element, 'preheader');
  }

  // Images: open-tracking pixels, spacers, and the service's badges.
  for (const img of [...body.querySelectorAll('img')]) {
    const src = img.getAttribute('src') ?? '';
    const { width, height } = sizeOf(img);
    const tiny = (width !== null && width <= 3) || (height !== null && height <= 3);
    const alt = img.getAttribute('alt') ?? '';
    const spacerName = /spacer|blank\.gif|transparent\.(?:gif|png)|clear\.gif|\/s\.gif/i.test(src);
    if (!spacerName && (tiny || (isTrackerHost(src) && /open|pixel|track|\/o\/|\/e\/o|beacon|\.gif/i.test(src)))) {
      remove(img, 'tracking-pixel', src);
    } else if (spacerName || (alt.trim() === '' && ((width !== null && width <= 24) || (height !== null && height <= 24)))) {
      remove(img, 'spacer-image', src);
    } else if (BRANDING.test(alt) || /badge|powered[-_ ]?by|made[-_ ]?with|referral/i.test(src)) {
      remove(img, 'esp-branding', alt || src);
    } else if (!/^(?:https?:|cid:|data:image\/)/i.test(src.trim())) {
      remove(img, 'unsafe-content', src);
    }
  }

  // Links: unsafe schemes go; "view in browser", unsubscribe and share rows take their block with
  // them. Judged by what a link says (its words, an unsubscribe address), never by a topic: a story
  // about copyright or a post on X stays.
  const lengths = new TextLengths();
  let inspected = 0;
  for (const link of [...body.querySelectorAll('a')]) {
    if (!attachment.has(link)) continue;
    const href = (link.getAttribute('href') ?? '').trim();
    if (href !== '' && !/^(?:https?:|mailto:|#)/i.test(href)) {
      removals.push({ kind: 'unsafe-content', sample: sample(href) });
      link.replaceWith(...[...link.childNodes]);
      attachment.removed(link, true);
      continue;
    }
    // Footer and share links are few; a message of thousands of links is not judged link by link.
    if (++inspected > MAX_INSPECTED_LINKS) continue;
    const text = lengths.of(link) <= 80 ? textOf(link) : '';
    if (VIEW_IN_BROWSER.test(text)) {
      remove(smallBlockAround(link, 200, lengths) ?? link, 'view-in-browser');
      continue;
    }
    if (UNSUBSCRIBE.test(text) || /unsubscribe|\/unsub\b|optout/i.test(href)) {
      remove(smallBlockAround(link, 600, lengths) ?? link, 'unsubscribe-footer');
      continue;
    }
    if (isShareOrFollowLink(href)) {
      const block = shareRowAround(link, lengths);
      if (block !== null) remove(block, 'social-share');
    }
  }

  // Footers and branding: the blocks at the very end that say only such things. The walk stops at
  // the first block that says anything else, so nothing above the footer is judged by these words.
  // Those holding no block: found in one pass (holdersOf), not by a query over each one's subtree.
  const holdsBlocks = holdersOf(body, 'p, td, div, li, h1, h2, h3, h4, table, ul, ol');
  const textBlocks = [...body.querySelectorAll('p, td, th, div, span, small, center, footer, li')].filter(
    (element) => !holdsBlocks.has(element),
  );
  for (let i = textBlocks.length - 1; i >= 0; i--) {
    const element = textBlocks[i]!;
    if (!attachment.has(element)) continue;
    const text = textOf(element);
    if (text === '') continue;
    if (text.length <= 400 && FOOTER.test(text)) remove(element, 'unsubscribe-footer');
    else if (text.length <= 120 && BRANDING.test(text)) remove(element, 'esp-branding');
    else if (text.length <= 80 && /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$|^[+\d][\d\s()-]{6,}$/.test(text)) remove(element, 'unsubscribe-footer');
    else break;
  }

  // Layout tables, innermost first: their content stays, in reading order.
  const tables = [...body.querySelectorAll('table')].reverse();
  const unwrapped = new Set<DomNode>();
  for (const table of tables) {
    if (table.parentNode !== null && isLayoutTable(table)) {
      removals.push({ kind: 'layout-table' });
      unwrapTable(document, table, unwrapped);
    }
  }

  // Links left: redirects unwrapped, campaign parameters dropped.
  const opaqueLinks: DomElement[] = [];
  for (const link of body.querySelectorAll('a[href]')) {
    const read = readLink(link.getAttribute('href')!.trim());
    if (read.kind === 'redirect') removals.push({ kind: 'tracking-redirect', sample: new URL(link.getAttribute('href')!.trim()).hostname });
    if (read.kind === 'opaque') opaqueLinks.push(link);
    let url = read.url;
    if (options.stripCampaign) {
      const stripped = withoutCampaignParameters(url);
      if (stripped.removed > 0) removals.push({ kind: 'campaign-parameters' });
      url = stripped.url;
    }
    // A bare address shown as the link's text shows the address it now goes to.
    if (link.children.length === 0 && textOf(link) === link.getAttribute('href')!.trim()) link.textContent = url;
    link.setAttribute('href', url);
    for (const attribute of ['target', 'rel', 'style', 'class', 'id']) link.removeAttribute(attribute);
  }

  removePipeDebris(body, removals);
  return { removals, opaqueLinks };
}

/** Text that is only "|" (table-layout debris), and a "|" ending a block. */
function removePipeDebris(root: DomElement, removals: Removal[]): void {
  for (const text of descendantsOfType(root, TEXT)) {
    const value = text.textContent ?? '';
    if (/^[\s|¦｜]*\|[\s|¦｜]*$/.test(value)) {
      removals.push({ kind: 'pipe-debris' });
      text.textContent = ' ';
    } else if (/\s\|\s*$/.test(value) && (text.nextSibling === null || !isElement(text.nextSibling) || text.nextSibling.tagName === 'BR')) {
      removals.push({ kind: 'pipe-debris' });
      text.textContent = value.replace(/\s\|\s*$/, '');
    }
  }
}
