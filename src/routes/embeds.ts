import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import type { RequestContext } from '../config';
import { TagSchema } from '../domain/issue';
import type { Widget } from '../domain/partner';
import type { EmbedQuerySchema, LatestEmbedQuerySchema, ListEmbedQuerySchema, OEmbedQuerySchema } from '../domain/queries';
import type { Representation } from '../domain/representation';
import { slugFromPath } from '../domain/slug';
import { clientAddress } from '../http/client';
import { isHead } from '../http/head';
import { HttpError, notFound } from '../http/problem';
import { staticResponse } from '../http/respond';
import { type OEmbed, oembedFor, oembedForList, oembedSize, oembedXml } from '../render/oembed';
import { PARTNER_SCRIPT } from '../render/pages/assets';
import { embedPolicy } from '../render/pages/csp';
import { renderEmbed } from '../render/pages/embed';
import { renderEmbedList } from '../render/pages/embed-list';
import { feedbackForm } from '../render/pages/feedback-form';
import { issueImageSizes } from '../services/media';
import { frameOrigins, knownPartnerKey } from '../services/partners';
import { getPublishedIssue, listPublishedIssues, listsLastModified, tagDisplay } from '../services/reading';
import { recordUsage } from '../services/usage';
import { serveCached } from './cached';
import { slugParam } from './params';

type Query<S extends v.GenericSchema> = { query: v.InferOutput<S> };

/**
 * A view of a widget, counted for its partner (or as unattributed) after the answer has gone. Not
 * a view: a HEAD, an error, or the thank-you an embed's own feedback form comes back to.
 */
function counted(request: IRequest, context: RequestContext, partnerKey: string | null, widget: Widget, response: Response): Response {
  if (!isHead(request) && response.status < 400 && !new URL(request.url).searchParams.has('feedback'))
    recordUsage(context, partnerKey, { kind: 'view', widget }, clientAddress(request));
  return response;
}

/** An embed document's representation: framable by the partners' origins at the rendered version. */
async function embedRepresentation(
  context: RequestContext,
  body: string,
  lastModified: string | null,
  stylesheet: 'embed' | 'list' = 'embed',
): Promise<Representation> {
  return {
    body,
    contentType: 'text/html; charset=utf-8',
    lastModified,
    policy: 'widget',
    headers: { 'Content-Security-Policy': await embedPolicy(await frameOrigins(context), stylesheet, new URL(context.site.url).origin) },
  };
}

/** `GET /embed/{slug}`: the issue for a partner's iframe; only partner origins may frame it. */
export async function embed(request: IRequest, context: RequestContext, { query }: Query<typeof EmbedQuerySchema>): Promise<Response> {
  const slug = slugParam(request);
  const partnerKey = await knownPartnerKey(context, query.partner);
  const { view, theme, feedback } = query;
  const response = await serveCached(request, context, { slug, view, theme, feedback, partnerKey }, async (context) => {
    const issue = await getPublishedIssue(context, slug);
    // The full embed carries the feedback form; the card stays a card.
    const form = view === 'full' ? feedbackForm(context.site, issue.slug, { from: 'embed', thanks: feedback === 'thanks' }) : undefined;
    const imageSizes = await issueImageSizes(context, issue, { body: view === 'full' });
    return embedRepresentation(context, renderEmbed(context.site, issue, { view, theme, partnerKey, imageSizes }, form), issue.updated_at);
  });
  return counted(request, context, partnerKey, 'issue', response);
}

/** `GET /embed/latest`: always the newest published issue (of a tag), moving with each publish. */
export async function latest(
  request: IRequest,
  context: RequestContext,
  { query }: Query<typeof LatestEmbedQuerySchema>,
): Promise<Response> {
  const partnerKey = await knownPartnerKey(context, query.partner);
  const { tag, view, theme } = query;
  const response = await serveCached(request, context, { tag, view, theme, partnerKey }, async (context) => {
    const { issues } = await listPublishedIssues(context, { tag, terms: [], after: undefined, limit: 1 });
    const newest = issues[0];
    if (newest === undefined) throw notFound(tag === undefined ? 'No issue is published yet.' : `No published issue has the tag "${tag}".`);
    const issue = await getPublishedIssue(context, newest.slug);
    const imageSizes = await issueImageSizes(context, issue, { body: view === 'full' });
    return embedRepresentation(context, renderEmbed(context.site, issue, { view, theme, partnerKey, imageSizes }), issue.updated_at);
  });
  return counted(request, context, partnerKey, 'latest', response);
}

/** `GET /embed/list`: the newest published issues (of a tag) as a compact list. */
export async function list(request: IRequest, context: RequestContext, { query }: Query<typeof ListEmbedQuerySchema>): Promise<Response> {
  const partnerKey = await knownPartnerKey(context, query.partner);
  const { tag, limit, theme } = query;
  const response = await serveCached(request, context, { tag, limit, theme, partnerKey }, async (context) => {
    const [{ issues }, lastModified] = await Promise.all([
      listPublishedIssues(context, { tag, terms: [], after: undefined, limit }),
      listsLastModified(context),
    ]);
    if (tag !== undefined && issues.length === 0) throw notFound(`No published issue has the tag "${tag}".`);
    const tagName = tag === undefined ? undefined : await tagDisplay(context, tag);
    return embedRepresentation(context, renderEmbedList(context.site, issues, { tag: tagName, theme, partnerKey }), lastModified, 'list');
  });
  return counted(request, context, partnerKey, 'list', response);
}

/** `GET /embed.js`: the partner-side snippet that sizes embed iframes to their content. */
export async function partnerScript(request: IRequest): Promise<Response> {
  return staticResponse(request, 'embed.js', () => ({
    body: PARTNER_SCRIPT,
    contentType: 'text/javascript; charset=utf-8',
    lastModified: null,
    policy: 'asset',
  }));
}

/** What a page URL of this site embeds as: an issue page its issue, the home page or a tag page their list widget. */
type EmbeddedPage = { kind: 'issue'; slug: string } | { kind: 'list'; tag: string | undefined };

function embeddedPage(context: RequestContext, value: string): EmbeddedPage | null {
  const url = new URL(value);
  if (url.origin !== new URL(context.site.url).origin) return null;
  if (url.pathname === '/') return { kind: 'list', tag: undefined };
  const issue = /^\/issues\/([^/]+)$/.exec(url.pathname);
  if (issue !== null) {
    const slug = slugFromPath(issue[1] ?? '');
    return slug === null ? null : { kind: 'issue', slug };
  }
  const tag = /^\/tags\/([^/]+)$/.exec(url.pathname);
  if (tag !== null) {
    const parsed = v.safeParse(TagSchema, safeDecode(tag[1] ?? ''));
    return parsed.success ? { kind: 'list', tag: parsed.output } : null;
  }
  return null;
}

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
};

/** `GET /oembed`: oEmbed 1.0 in JSON or XML, for issue pages (the issue), the home page and tag pages (the list widget). */
export async function oembed(request: IRequest, context: RequestContext, { query }: Query<typeof OEmbedQuerySchema>): Promise<Response> {
  if (query.format !== 'json' && query.format !== 'xml') {
    throw new HttpError(501, { name: 'not-implemented', detail: 'The oEmbed formats here are json and xml.' });
  }
  const page = embeddedPage(context, query.url);
  if (page === null) throw notFound(`${query.url} is not an issue page, the home page or a tag page of ${context.site.url}.`);
  const size = oembedSize(query);
  const format = query.format;
  return serveCached(request, context, { ...page, format, ...size }, async (context) => {
    let data: OEmbed;
    let lastModified: string | null;
    if (page.kind === 'issue') {
      const issue = await getPublishedIssue(context, page.slug).catch((error: unknown) => {
        throw error instanceof HttpError ? notFound(`No published issue is at ${query.url}.`) : error;
      });
      data = oembedFor(context.site, issue, size);
      lastModified = issue.updated_at;
    } else {
      const [{ issues }, modified] = await Promise.all([
        listPublishedIssues(context, { tag: page.tag, terms: [], after: undefined, limit: 1 }),
        listsLastModified(context),
      ]);
      if (page.tag !== undefined && issues.length === 0) throw notFound(`No published issue has the tag "${page.tag}".`);
      data = oembedForList(context.site, page.tag === undefined ? undefined : await tagDisplay(context, page.tag), size);
      lastModified = modified;
    }
    const json = format === 'json';
    return {
      body: json ? JSON.stringify(data) : oembedXml(data),
      contentType: json ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8',
      lastModified,
      policy: 'page',
    };
  });
}
