import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import { sealedCursorKey } from '../domain/cursor';
import type { ArchiveQuerySchema, IssuePageQuerySchema, SearchPageQuerySchema } from '../domain/queries';
import type { Representation } from '../domain/representation';
import { searchTerms } from '../domain/search-text';
import { prefersMarkdown } from '../http/accept';
import { clientAddress } from '../http/client';
import { isHead } from '../http/head';
import { headerUri, linkHeader } from '../http/header-values';
import { notFound } from '../http/problem';
import { issueMarkdown } from '../render/issue-markdown';
import { renderArchivePage } from '../render/pages/archive-page';
import { pagePolicy } from '../render/pages/csp';
import { feedbackForm } from '../render/pages/feedback-form';
import { renderIssuePage } from '../render/pages/issue-page';
import { renderSearchPage, renderTagsPage } from '../render/pages/search-page';
import { archiveUrl, issueUrl, REFERRAL_PARAMETER } from '../render/urls';
import { issueImageSizes } from '../services/media';
import { knownPartnerKey } from '../services/partners';
import {
  getPublishedIssue,
  isPublished,
  listPublishedIssues,
  listPublishedTags,
  listsLastModified,
  searchWithText,
  tagDisplay,
} from '../services/reading';
import { recordUsage } from '../services/usage';
import { serveCached } from './cached';
import { slugParam, tagParam } from './params';

const HTML_TYPE = 'text/html; charset=utf-8';
const ARCHIVE_PAGE_SIZE = 20;
const SEARCH_PAGE_SIZE = 10;

async function htmlRepresentation(body: string, lastModified: string | null, extra: Record<string, string> = {}): Promise<Representation> {
  return {
    body,
    contentType: HTML_TYPE,
    lastModified,
    policy: 'page',
    headers: { 'Content-Security-Policy': await pagePolicy(), 'X-Frame-Options': 'DENY', ...extra },
  };
}

/** The issue as Markdown (`/issues/{slug}.md`, or the page asked for with `Accept: text/markdown`). */
function markdownRepresentation(request: IRequest, context: RequestContext, slug: string, negotiated: boolean): Promise<Response> {
  return serveCached(request, context, { slug, format: 'markdown' }, async (context) => {
    const issue = await getPublishedIssue(context, slug);
    return {
      body: issueMarkdown(context.site, issue),
      contentType: 'text/markdown; charset=utf-8',
      lastModified: issue.updated_at,
      policy: 'page',
      headers: {
        // The page's own canonical: the original's, for an issue first published elsewhere.
        Link: linkHeader([{ href: issue.canonical_url ?? issueUrl(context.site, issue.slug), rel: 'canonical' }]),
        ...(negotiated ? { Vary: 'Accept' } : {}),
      },
    };
  });
}

/** `GET /issues/{slug}.md`: one published issue as Markdown with YAML front matter. */
export function issueMarkdownFile(request: IRequest, context: RequestContext): Promise<Response> {
  return markdownRepresentation(request, context, slugParam(request), false);
}

type ArchiveInput = { query: v.InferOutput<typeof ArchiveQuerySchema> };

async function archive(
  request: IRequest,
  context: RequestContext,
  tag: string | undefined,
  { cursor }: ArchiveInput['query'],
): Promise<Response> {
  return serveCached(request, context, { tag, cursor: sealedCursorKey(cursor) }, async (context) => {
    const [{ issues, next }, lastModified] = await Promise.all([
      listPublishedIssues(context, { tag, terms: [], after: cursor, limit: ARCHIVE_PAGE_SIZE }),
      listsLastModified(context),
    ]);
    if (tag !== undefined && issues.length === 0) throw notFound(`No published issue has the tag "${tag}".`);
    const here = archiveUrl(context.site, tag);
    const older = next === null ? null : `${here}?cursor=${next}`;
    const tagName = tag === undefined ? undefined : await tagDisplay(context, tag);
    const body = renderArchivePage(context.site, {
      ...(tag === undefined ? {} : { tag, tagName }),
      issues,
      older,
      isFirst: cursor === undefined,
    });
    return htmlRepresentation(body, lastModified);
  });
}

/** `GET /`: the archive of published issues. */
export function home(request: IRequest, context: RequestContext, { query }: ArchiveInput): Promise<Response> {
  return archive(request, context, undefined, query);
}

/** `GET /search?q=&cursor=`: published issues with every term, their matches marked; no JavaScript. */
export function search(
  request: IRequest,
  context: RequestContext,
  { query: { q, cursor } }: { query: v.InferOutput<typeof SearchPageQuerySchema> },
): Promise<Response> {
  const terms = searchTerms(q).slice(0, 8);
  // Searches are as many as readers can type: they stay in the isolate, like the API's.
  return serveCached(
    request,
    context,
    { terms, cursor: sealedCursorKey(cursor), q: q.trim() },
    async (context) => {
      const [{ results, next }, lastModified] = await Promise.all([
        terms.length === 0 ? { results: [], next: null } : searchWithText(context, terms, cursor, SEARCH_PAGE_SIZE),
        listsLastModified(context),
      ]);
      const older = next === null ? null : `${context.site.url}/search?q=${encodeURIComponent(q)}&cursor=${next}`;
      return htmlRepresentation(
        renderSearchPage(context.site, { q, terms, results, next: older, isFirst: cursor === undefined }),
        lastModified,
      );
    },
    { shared: false },
  );
}

/** `GET /tags`: every tag with its count of published issues. */
export function tagIndex(request: IRequest, context: RequestContext): Promise<Response> {
  return serveCached(request, context, {}, async (context) => {
    const [tags, lastModified] = await Promise.all([listPublishedTags(context), listsLastModified(context)]);
    return htmlRepresentation(renderTagsPage(context.site, tags), lastModified);
  });
}

/** `GET /tags/{tag}`: one tag's archive. */
export function tagArchive(request: IRequest, context: RequestContext, { query }: ArchiveInput): Promise<Response> {
  return archive(request, context, tagParam(request), query);
}

/** `GET /issues/{slug}`: one published issue, with the feedback form. */
export async function issuePage(
  request: IRequest,
  context: RequestContext,
  { query: { feedback, ref } }: { query: v.InferOutput<typeof IssuePageQuerySchema> },
): Promise<Response> {
  const slug = slugParam(request);
  if (ref !== undefined) {
    // A click through a partner's widget: counted for the partner whose key the link carries, then
    // sent on to the page's own address, so a reload, a bookmark or a shared link counts no more.
    // Only a click that leads to a published issue counts: a made-up slug is not a partner's click.
    const referrer = isHead(request) ? null : await knownPartnerKey(context, ref);
    if (referrer !== null && (await isPublished(context, slug))) recordUsage(context, referrer, { kind: 'click' }, clientAddress(request));
    const clean = new URL(request.url);
    clean.searchParams.delete(REFERRAL_PARAMETER);
    return new Response(null, {
      status: 303,
      headers: { Location: headerUri(`${context.site.url}${clean.pathname}${clean.search}`), 'Cache-Control': 'no-store' },
    });
  }
  // Agents and tools that ask for Markdown get it here too; browsers (and */*) get the page.
  if (prefersMarkdown(request.headers.get('Accept'))) {
    return markdownRepresentation(request, context, slug, true);
  }
  return serveCached(request, context, { slug, feedback }, async (context) => {
    const issue = await getPublishedIssue(context, slug);
    const form = feedbackForm(context.site, issue.slug, { from: 'page', thanks: feedback === 'thanks' });
    return htmlRepresentation(
      renderIssuePage(context.site, issue, form, await issueImageSizes(context, issue, { body: true })),
      issue.updated_at,
      { Vary: 'Accept' },
    );
  });
}
