import type { IRequest } from 'itty-router';
import type { RequestContext } from '../config';
import type { Representation } from '../domain/representation';
import { notFound } from '../http/problem';
import { renderLlmsTxt, renderRobots } from '../render/discovery';
import { sitemapChild, sitemapDocument } from '../services/discovery';
import { listPublishedIssues, listsLastModified } from '../services/reading';
import { serveCached } from './cached';

const XML = 'application/xml; charset=utf-8';

const representation = (body: string, contentType: string, lastModified: string | null): Representation => ({
  body,
  contentType,
  lastModified,
  policy: 'feed',
});

/** `GET /sitemap.xml`: every page of the site, or the index of the child sitemaps past 50,000 URLs. */
export function sitemap(request: IRequest, context: RequestContext): Promise<Response> {
  return serveCached(request, context, {}, async (context) =>
    representation(await sitemapDocument(context), XML, await listsLastModified(context)),
  );
}

/** `GET /sitemap-{n}.xml`: one child sitemap of the index. */
export function sitemapPage(request: IRequest, context: RequestContext): Promise<Response> {
  const n = /^[1-9]\d{0,5}$/.test(request.params.n ?? '') ? Number(request.params.n) : null;
  if (n === null) throw notFound('There is no such sitemap; /sitemap.xml lists them.');
  return serveCached(request, context, { n }, async (context) =>
    representation(await sitemapChild(context, n), XML, await listsLastModified(context)),
  );
}

/** `GET /robots.txt`: crawl everything public, not the editor API; the sitemap's address. */
export function robots(request: IRequest, context: RequestContext): Promise<Response> {
  return serveCached(request, context, {}, async (context) => ({
    body: renderRobots(context.site),
    contentType: 'text/plain; charset=utf-8',
    lastModified: null,
    policy: 'page',
  }));
}

/** `GET /llms.txt`: the newsletter and its latest issues, linked to their Markdown (llms.txt proposal). */
export function llmsTxt(request: IRequest, context: RequestContext): Promise<Response> {
  return serveCached(request, context, {}, async (context) => {
    const [{ issues }, lastModified] = await Promise.all([
      listPublishedIssues(context, { tag: undefined, terms: [], after: undefined, limit: 20 }),
      listsLastModified(context),
    ]);
    return { body: renderLlmsTxt(context.site, issues), contentType: 'text/markdown; charset=utf-8', lastModified, policy: 'page' };
  });
}
