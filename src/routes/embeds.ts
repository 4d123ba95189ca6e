import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import type { EmbedQuerySchema, OEmbedQuerySchema } from '../domain/queries';
import { slugFromPath } from '../domain/slug';
import { HttpError, notFound } from '../http/problem';
import { staticResponse } from '../http/respond';
import { oembedFor, oembedSize, oembedXml } from '../render/oembed';
import { PARTNER_SCRIPT } from '../render/pages/assets';
import { embedPolicy } from '../render/pages/csp';
import { renderEmbed } from '../render/pages/embed';
import { feedbackForm } from '../render/pages/feedback-form';
import { getPublishedIssue } from '../services/reading';
import { serveCached } from './cached';
import { slugParam } from './params';

/** `GET /embed/{slug}`: the issue for a partner's iframe; only partner origins may frame it. */
export async function embed(
  request: IRequest,
  context: RequestContext,
  { query }: { query: v.InferOutput<typeof EmbedQuerySchema> },
): Promise<Response> {
  const slug = slugParam(request);
  return serveCached(request, context, { slug, ...query }, async (context) => {
    const issue = await getPublishedIssue(context, slug);
    // The full embed carries the feedback form; the card stays a card.
    const form =
      query.view === 'full' ? feedbackForm(context.site, issue.slug, { from: 'embed', thanks: query.feedback === 'thanks' }) : undefined;
    return {
      body: renderEmbed(context.site, issue, query.view, query.theme, form),
      contentType: 'text/html; charset=utf-8',
      lastModified: issue.updated_at,
      policy: 'page',
      headers: { 'Content-Security-Policy': await embedPolicy(context.site.partners) },
    };
  });
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

/** The slug of an issue page URL on this site, or null for any other URL. */
function slugOfPageUrl(context: RequestContext, value: string): string | null {
  const url = new URL(value);
  const site = new URL(context.site.url);
  const match = /^\/issues\/([^/]+)$/.exec(url.pathname);
  if (url.origin !== site.origin || match === null) return null;
  return slugFromPath(match[1] ?? '');
}

/** `GET /oembed`: oEmbed 1.0 for issue page URLs, in JSON or XML. */
export async function oembed(
  request: IRequest,
  context: RequestContext,
  { query }: { query: v.InferOutput<typeof OEmbedQuerySchema> },
): Promise<Response> {
  if (query.format !== 'json' && query.format !== 'xml') {
    throw new HttpError(501, { name: 'not-implemented', detail: 'The oEmbed formats here are json and xml.' });
  }
  const slug = slugOfPageUrl(context, query.url);
  if (slug === null) throw notFound(`${query.url} is not an issue page of ${context.site.url}.`);
  const size = oembedSize(query);
  return serveCached(request, context, { slug, format: query.format, ...size }, async (context) => {
    const issue = await getPublishedIssue(context, slug).catch((error: unknown) => {
      throw error instanceof HttpError ? notFound(`No published issue is at ${query.url}.`) : error;
    });
    const data = oembedFor(context.site, issue, size);
    const json = query.format === 'json';
    return {
      body: json ? JSON.stringify(data) : oembedXml(data),
      contentType: json ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8',
      lastModified: issue.updated_at,
      policy: 'page',
    };
  });
}
