import * as v from 'valibot';
import type { RequestContext } from '../config';
import { type ImportReport, type ImportWarning, summarizeRemovals } from '../domain/email-import';
import { BODY_MAX_LENGTH, type Issue, IssueInputSchema, type Teaser } from '../domain/issue';
import { detectMedia, MEDIA_TYPES, mediaPath } from '../domain/media';
import { mayFetch } from '../domain/outbound';
import { normalizeText } from '../domain/validation';
import { HttpError, invalidInput } from '../http/problem';
import { isShareOrFollowLink, shareRowAround } from '../ingest/clean';
import type { DomElement, DomNode } from '../ingest/dom';
import { readLink, withoutCampaignParameters } from '../ingest/links';
import { fromIso2022Kr, parseEmail, UnreadableEmail } from '../ingest/mime';
import { HtmlTooComplex, inBody, prepare, readNewsletter, TextTooLong, writeBody } from '../ingest/newsletter';
import { sanitizerRemovals } from '../render/markdown';
import { MarkupLimitError } from '../render/markup-limits';
import { requirePermission } from './access';
import { createIssue } from './issues';
import { uploadMedia } from './media';
import { listPublishedTags } from './reading';
import type { Editor } from './tokens';

/**
 * Email import: a sent newsletter becomes a draft issue, with a report of what was recognised,
 * what was removed and why, and what could not be done. Nothing is published. The pure steps are
 * in src/ingest (MIME, cleaning, structure, Markdown); here is what needs the network and storage:
 * following opaque tracking redirects, fetching images into R2, suggesting known tags, and the draft.
 */

export type ImportSource = 'message/rfc822' | 'text/html' | 'text/plain';

/** At most this many links are followed and images fetched per import, each within its timeout. */
const MAX_FOLLOWED_LINKS = 40;
const MAX_FETCHED_IMAGES = 30;
const LINK_TIMEOUT_MS = 5_000;
const IMAGE_TIMEOUT_MS = 10_000;
/**
 * Images are fetched a few at a time, each at most MAX_IMPORT_IMAGE_BYTES, and all of one import's
 * together at most MAX_IMPORT_IMAGE_TOTAL (bytes counted as they arrive: a declared length may lie,
 * a chunked answer declares none): what an import holds stays far below an isolate's 128 MB, and
 * what it stores is bounded. An image past either limit keeps its remote address, with a warning.
 * Each image is held whole once (one buffer) before it is stored: its kind is decided from its
 * structure (domain/media-structure), which needs all of it, so it is not stored while streaming.
 */
const IMAGE_CONCURRENCY = 3;
const MAX_IMPORT_IMAGE_BYTES = 10 * 1024 * 1024;
const MAX_IMPORT_IMAGE_TOTAL = 32 * 1024 * 1024;
/** All of an import's own requests: at most this many, within this long. */
const MAX_SUBREQUESTS = 80;
const IMPORT_DEADLINE_MS = 25_000;

/** Every request an import makes on its own: public hosts only, within a count and one deadline. */
class Outbound {
  private used = 0;
  private readonly deadline = AbortSignal.timeout(IMPORT_DEADLINE_MS);

  constructor(private readonly allowLocal: boolean) {}

  /**
   * GETs `url`, following at most `hops` redirects itself so that each address is checked; the
   * answer (its body unread), or why there is none.
   */
  async get(url: string, timeoutMs: number, hops: number): Promise<{ response: Response; url: string } | { failure: string }> {
    let current = url;
    for (let hop = 0; hop <= hops; hop++) {
      if (!mayFetch(current, this.allowLocal)) return { failure: 'its address is not a public web address' };
      if (++this.used > MAX_SUBREQUESTS) return { failure: `an import makes at most ${MAX_SUBREQUESTS} requests` };
      let response: Response;
      try {
        response = await fetch(current, { redirect: 'manual', signal: AbortSignal.any([this.deadline, AbortSignal.timeout(timeoutMs)]) });
      } catch (error) {
        return {
          failure: error instanceof Error && error.name === 'TimeoutError' ? 'it did not answer in time' : 'it could not be reached',
        };
      }
      const location = response.headers.get('Location');
      if (response.status < 300 || response.status >= 400 || location === null) return { response, url: current };
      await response.body?.cancel();
      if (!URL.canParse(location, current)) return { failure: 'it redirected to an address that is not one' };
      current = new URL(location, current).href;
    }
    return { failure: 'it redirected too many times' };
  }
}

/** The target of a tracker's redirect (its body never read), or null. */
async function follow(outbound: Outbound, url: string): Promise<string | null> {
  const answer = await outbound.get(url, LINK_TIMEOUT_MS, 5);
  if ('failure' in answer) return null;
  await answer.response.body?.cancel();
  return answer.url === url ? null : answer.url;
}

/** What is left of one import's image bytes, shared by the images fetched at once. */
interface ByteBudget {
  left: number;
}

/**
 * The body of an image's answer, read into one buffer, at most `limit` bytes and within the
 * import's budget (both counted as the bytes arrive); null past either, the rest never read.
 */
async function boundedBytes(response: Response, limit: number, budget: ByteBudget): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('Content-Length') ?? Number.NaN);
  if (response.body === null || declared > limit || declared > budget.left) {
    await response.body?.cancel();
    return null;
  }
  const reader = response.body.getReader();
  // A declared length (checked against the bytes) is read straight into its buffer: no second copy.
  let buffer = new Uint8Array(Number.isInteger(declared) && declared >= 0 ? declared : 64 * 1024);
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit || value.byteLength > budget.left) {
      budget.left = Math.max(0, budget.left - value.byteLength);
      await reader.cancel();
      return null;
    }
    budget.left -= value.byteLength;
    if (size + value.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.min(limit, Math.max(buffer.byteLength * 2, size + value.byteLength)));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(value, size);
    size += value.byteLength;
  }
  return buffer.subarray(0, size);
}

/** Whether a node is still in its document (neither it nor an ancestor was removed). */
function inDocument(node: DomNode): boolean {
  let top: DomNode = node;
  while (top.parentNode !== null) top = top.parentNode;
  return top.nodeName === '#document';
}

/** `work` over `items`, at most `limit` at a time, results in order. */
async function inTurn<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function decodeDataUrl(src: string): Uint8Array | null {
  const match = /^data:image\/[a-z0-9.+-]+;base64,([A-Za-z0-9+/=\s]+)$/i.exec(src.trim());
  if (match === null) return null;
  try {
    return Uint8Array.from(atob(match[1]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Text of a request body in its declared charset (UTF-8 by default). */
function decodeText(bytes: Uint8Array, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/** At most `max` characters, cut between code points (never inside a surrogate pair). */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = '';
  for (const char of text) {
    if (cut.length + char.length > max - 1) break;
    cut += char;
  }
  return `${cut}…`;
}

/** One-line text as an issue field holds it: no controls, no non-characters, spaces collapsed. */
const oneLine = (text: string) =>
  text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\p{Noncharacter_Code_Point}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

/** A teaser's link as the issue schema takes it, or null (a relative, odd or overlong address is dropped). */
const teaserUrl = (url: string | null) =>
  url !== null && url.length <= 2000 && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) ? new URL(url).href : null;

export interface ImportInput {
  bytes: Uint8Array;
  type: ImportSource;
  charset: string | null;
  /** Keep utm_* and the like on links (they are dropped by default). */
  keepCampaignParameters: boolean;
}

export async function importNewsletter(
  context: RequestContext,
  editor: Editor,
  input: ImportInput,
): Promise<{ issue: Issue; report: ImportReport }> {
  requirePermission(editor, 'write-draft');
  const warnings: ImportWarning[] = [];
  let subject: string | null = null;
  let source: { html: string } | { text: string };
  let inline: Awaited<ReturnType<typeof parseEmail>>['inline'] = [];
  if (input.type === 'message/rfc822') {
    let email: Awaited<ReturnType<typeof parseEmail>>;
    try {
      email = await parseEmail(input.bytes);
    } catch (error) {
      if (error instanceof UnreadableEmail)
        throw invalidInput([{ path: '', message: `The message ${error.message}.` }], `The message ${error.message}.`);
      throw error;
    }
    subject = email.subject?.replace(/^(?:(?:fwd?|re|fw)\s*:\s*)+/i, '') ?? null;
    source = email.html !== null ? { html: email.html } : { text: email.text! };
    inline = email.inline;
  } else {
    const text = fromIso2022Kr(decodeText(input.bytes, input.charset));
    source = input.type === 'text/html' ? { html: text } : { text };
  }

  let prepared: ReturnType<typeof prepare>;
  try {
    prepared = prepare(source, { stripCampaign: !input.keepCampaignParameters });
  } catch (error) {
    if (error instanceof HtmlTooComplex)
      throw invalidInput([{ path: '', message: `The newsletter ${error.message}.` }], `The newsletter ${error.message}.`);
    if (error instanceof TextTooLong) {
      throw new HttpError(413, {
        name: 'payload-too-large',
        detail: `The newsletter ${error.message} (found before it was read further); an issue holds at most ${BODY_MAX_LENGTH} characters of Markdown.`,
      });
    }
    throw error;
  }
  const newsletter = readNewsletter(prepared, subject);
  const outbound = new Outbound(context.outboundAllowLocal);

  // Opaque tracking redirects the draft keeps (in its body, or as a teaser's link): followed to
  // their target, or kept with a warning. Those of the masthead or the footer are never requested.
  const followOrWarn = async (href: string, index: number): Promise<string> => {
    const followed = index < MAX_FOLLOWED_LINKS ? await follow(outbound, href) : null;
    if (followed === null) {
      warnings.push({ kind: 'link-not-followed', message: `Kept a tracking link whose target could not be read: ${clip(href, 200)}` });
      return href;
    }
    newsletter.removals.push({ kind: 'tracking-redirect', sample: new URL(href).hostname });
    return input.keepCampaignParameters ? followed : withoutCampaignParameters(followed).url;
  };
  const links = inBody(newsletter, 'a[href]').filter((link) => prepared.opaqueLinks.has(link));
  const teasers = newsletter.teasers.filter((teaser) => teaser.url !== null && readLink(teaser.url).kind === 'opaque');
  await Promise.all([
    ...links.map(async (link, index) => link.setAttribute('href', await followOrWarn(link.getAttribute('href') ?? '', index))),
    ...teasers.map(async (teaser, index) => {
      teaser.url = await followOrWarn(teaser.url!, links.length + index);
    }),
  ]);
  // A share row behind opaque trackers shows itself only once they are followed: judged again now.
  for (const link of links) {
    if (!inDocument(link) || !isShareOrFollowLink(link.getAttribute('href') ?? '')) continue;
    const row = shareRowAround(link);
    if (row !== null) {
      newsletter.removals.push({ kind: 'social-share', sample: clip(row.textContent?.trim() ?? '', 100) });
      row.remove();
    }
  }

  // The body's images: each fetched once and stored in R2; a failure keeps the remote address, with a warning.
  const outcomes = await storeImages(context, editor, outbound, inBody(newsletter, 'img'), inline);
  const images = {
    stored: outcomes.filter((outcome) => outcome.stored).length,
    kept_remote: outcomes.filter((outcome) => !outcome.stored && outcome.address !== null).length,
  };
  for (const outcome of outcomes) if (outcome.warning !== null) warnings.push(outcome.warning);
  const body = writeBody(prepared, newsletter);

  const named = (
    [
      ['heading', newsletter.title],
      ['subject', subject],
      ['first line', firstLine(body)],
    ] as const
  )
    .map(([from, text]) => ({ from, value: text === null ? '' : oneLine(text) }))
    .find((candidate) => candidate.value !== '') ?? { from: 'first line' as const, value: 'Imported newsletter' };
  if (named.from === 'first line')
    warnings.push({ kind: 'block-not-understood', message: 'No heading or subject named the issue: its title is its first line.' });
  const title = named.value;

  const tags = await suggestTags(context, `${title}\n${body}`);
  const draft = fitToIssue(
    {
      title,
      subtitle: newsletter.subtitle,
      summary: newsletter.summary,
      teasers: newsletter.teasers,
      tags,
      body: body === '' ? ' ' : body,
    },
    warnings,
  );
  let dropped: string[];
  try {
    dropped = sanitizerRemovals(draft.body);
  } catch (error) {
    if (!(error instanceof MarkupLimitError)) throw error;
    throw invalidInput([{ path: '/body', message: error.message }], `The newsletter, as Markdown, ${error.message}.`);
  }
  for (const what of dropped) warnings.push({ kind: 'not-rendered', message: `The page will not show ${what}.` });
  const normalized = normalizeText(draft);
  const parsed = v.safeParse(IssueInputSchema, normalized.value);
  if (normalized.errors.length > 0 || !parsed.success) {
    throw invalidInput(
      normalized.errors.length > 0 ? normalized.errors : [{ path: '', message: parsed.issues?.[0]?.message ?? 'is not a valid issue' }],
      'The imported newsletter does not make a valid issue; see `errors`.',
    );
  }
  const { issue } = await createIssue(context, editor, parsed.output, null);
  const report: ImportReport = {
    source: input.type === 'message/rfc822' ? 'email' : input.type === 'text/html' ? 'html' : 'text',
    recognised: {
      title: { value: issue.title, from: named.from },
      subtitle: issue.subtitle,
      summary: issue.summary,
      sections: newsletter.sections,
      teasers: issue.teasers,
      tags: issue.tags,
      feedback_call: newsletter.feedbackCall,
    },
    removed: summarizeRemovals(newsletter.removals),
    images,
    warnings,
  };
  return { issue, report };
}

function firstLine(markdown: string): string | null {
  const line = markdown.split('\n').find((l) => l.trim() !== '');
  return line === undefined ? null : clip(line.replace(/^[#>*\-\s]+/, '').trim(), 200);
}

/** Fits recognised parts within what an issue may hold, shortening with a warning rather than failing. */
function fitToIssue(
  draft: { title: string; subtitle: string | null; summary: string[]; teasers: Teaser[]; tags: string[]; body: string },
  warnings: ImportWarning[],
) {
  const shorten = (what: string, text: string, max: number) => {
    if (text.length <= max) return text;
    warnings.push({ kind: 'shortened', message: `${what} was cut to ${max} characters.` });
    return clip(text, max);
  };
  if (draft.body.length > BODY_MAX_LENGTH) {
    throw new HttpError(413, {
      name: 'payload-too-large',
      detail: `The newsletter's text comes to ${draft.body.length} characters of Markdown; an issue holds at most ${BODY_MAX_LENGTH}.`,
    });
  }
  if (draft.summary.length > 10)
    warnings.push({ kind: 'shortened', message: `The summary had ${draft.summary.length} points; the first 10 were kept.` });
  if (draft.teasers.length > 20)
    warnings.push({ kind: 'shortened', message: `There were ${draft.teasers.length} explainer cards; the first 20 were kept.` });
  const subtitle = draft.subtitle === null ? '' : oneLine(draft.subtitle);
  return {
    title: shorten('The title', oneLine(draft.title), 200),
    subtitle: subtitle === '' ? null : shorten('The subtitle', subtitle, 300),
    summary: draft.summary
      .slice(0, 10)
      .map((point) => shorten('A summary point', oneLine(point), 500))
      .filter(Boolean),
    teasers: draft.teasers
      .slice(0, 20)
      .map((teaser) => ({
        title: shorten('A teaser title', oneLine(teaser.title), 200),
        excerpt: shorten('A teaser excerpt', teaser.excerpt.replace(/\p{Noncharacter_Code_Point}/gu, '').trim(), 2000),
        url: teaserUrl(teaser.url),
      }))
      .filter((teaser) => teaser.title !== ''),
    tags: draft.tags,
    body: draft.body.replace(/\p{Noncharacter_Code_Point}/gu, '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ''),
  };
}

/** Tags already used on published issues whose name the text mentions, most mentioned first (at most 5). */
async function suggestTags(context: RequestContext, text: string): Promise<string[]> {
  const folded = text.toLocaleLowerCase();
  const known = await listPublishedTags(context);
  return known
    .map((tag) => ({ name: tag.name, count: tag.name.length < 2 ? 0 : folded.split(tag.name.toLocaleLowerCase()).length - 1 }))
    .filter((tag) => tag.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, 5)
    .map((tag) => tag.name);
}

/** What became of one image: stored (at `address`), or kept remote or left out, with the warning. */
interface ImageOutcome {
  stored: boolean;
  /** Where the draft points for it, or null when it was left out. */
  address: string | null;
  warning: ImportWarning | null;
}

/** Fetches each image once (by address), stores it as an upload, and points the image at it. */
async function storeImages(
  context: RequestContext,
  editor: Editor,
  outbound: Outbound,
  images: readonly DomElement[],
  inline: readonly { contentId: string; bytes: Uint8Array }[],
): Promise<ImageOutcome[]> {
  const bySource = new Map<string, DomElement[]>();
  for (const img of images) {
    const src = (img.getAttribute('src') ?? '').trim();
    if (src === '' || img.parentNode === null) continue;
    bySource.set(src, [...(bySource.get(src) ?? []), img]);
  }
  const sources = [...bySource.keys()];
  const budget: ByteBudget = { left: MAX_IMPORT_IMAGE_TOTAL };
  return inTurn(sources, IMAGE_CONCURRENCY, async (src, index): Promise<ImageOutcome> => {
    const elements = bySource.get(src)!;
    const label = src.startsWith('data:') ? 'an inline data: image' : clip(src, 200);
    let bytes: Uint8Array | null = null;
    let failure = '';
    if (src.startsWith('cid:')) {
      let id = src.slice(4);
      try {
        id = decodeURIComponent(id);
      } catch {
        // Not percent-encoded after all: the id as written.
      }
      id = id.replace(/^<|>$/g, '');
      bytes = inline.find((part) => part.contentId === id)?.bytes ?? null;
      if (bytes === null) failure = 'the message has no part with that Content-ID';
    } else if (src.startsWith('data:')) {
      bytes = decodeDataUrl(src);
      if (bytes === null) failure = 'it is not a base64 image';
    } else if (index >= MAX_FETCHED_IMAGES) {
      failure = `only the first ${MAX_FETCHED_IMAGES} images are fetched`;
    } else if (!mayFetch(src, context.outboundAllowLocal)) {
      failure = 'its address is not a public web address';
    } else if (budget.left <= 0) {
      failure = `the import's images reached their limit of ${MAX_IMPORT_IMAGE_TOTAL / 1024 / 1024} MiB in all`;
    } else {
      // Every way a fetch can fail is told alike: what answers where is not for the report to say.
      failure = `it could not be fetched as an image of at most ${MAX_IMPORT_IMAGE_BYTES / 1024 / 1024} MiB (no answer, an error, or not an image)`;
      const answer = await outbound.get(src, IMAGE_TIMEOUT_MS, 3);
      if ('response' in answer) {
        if (answer.response.ok) bytes = await boundedBytes(answer.response, MAX_IMPORT_IMAGE_BYTES, budget).catch(() => null);
        else await answer.response.body?.cancel();
      }
    }
    return storedOrKept(context, editor, src, elements, label, bytes, failure);
  });
}

/** Stores one image's bytes as an upload and points its elements at it, or keeps (or drops) it with a warning. */
async function storedOrKept(
  context: RequestContext,
  editor: Editor,
  src: string,
  elements: DomElement[],
  label: string,
  bytes: Uint8Array | null,
  failure: string,
): Promise<ImageOutcome> {
  const detected = bytes === null ? null : detectMedia(bytes);
  if (bytes !== null && detected?.ok === true && MEDIA_TYPES[detected.ext].kind === 'image') {
    try {
      const { record } = await uploadMedia(context, editor, bytes);
      const address = `${context.site.url}${mediaPath(record.sha256, record.ext)}`;
      for (const img of elements) img.setAttribute('src', address);
      return { stored: true, address, warning: null };
    } catch {
      failure = 'it could not be stored';
    }
  } else if (bytes !== null && (src.startsWith('cid:') || src.startsWith('data:'))) {
    failure = 'it is not an image Masthead stores (PNG, JPEG, GIF, WebP or AVIF)';
  }
  if (src.startsWith('cid:') || src.startsWith('data:')) {
    for (const img of elements) img.remove();
    return { stored: false, address: null, warning: { kind: 'image-not-fetched', message: `Left out ${label}: ${failure}.` } };
  }
  return {
    stored: false,
    address: src,
    warning: { kind: 'image-not-fetched', message: `Kept the remote image ${label}: ${failure}.` },
  };
}
