import type { Attachment, Issue } from '../domain/issue';
import { MEDIA_TYPES } from '../domain/media';
import type { Site } from '../domain/site';
import { sanitizeHtml } from './sanitize';
import { summaryLine, xmlSafe } from './text';
import { archiveUrl, issueUrl, tagUrl, uploadNameAt } from './urls';

/** Issues per feed document: the subscription feeds and each RFC 5005 archive page. */
export const FEED_SIZE = 20;

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];
export const FEED_FILES: Record<FeedFormat, string> = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' };

/** The same document's address in each format. */
export type FeedUrls = Record<FeedFormat, string>;

export interface FeedEntry {
  /** A tag: URI from the issue's id: it survives slug edits and domain moves. */
  id: string;
  title: string;
  url: string;
  /** Plain text: the subtitle and summary points. */
  summary: string;
  /** Sanitized HTML with absolute URLs. */
  html: string;
  authors: { name: string; url: string | null }[];
  tags: string[];
  /** The cover, with its media type when it is one of our uploads (elsewhere, the type is unknown). */
  cover: { url: string; alt: string; type: string | null } | null;
  /** Files that go with the issue, each with its type and length (RSS carries the first as its enclosure). */
  attachments: Attachment[];
  published: string;
  updated: string;
}

/** One feed document, format-neutral: RSS, Atom and JSON Feed are views of it. */
export interface FeedModel {
  id: string;
  title: string;
  description: string;
  language: string;
  homeUrl: string;
  urls: FeedUrls;
  hub: string | null;
  /** The newest change among the entries, so the same entries always give the same bytes. */
  updated: string;
  publisher: string;
  /** RFC 5005 links: `current` on archive documents, `prev`/`next` between them. */
  archive: { isArchive: boolean; current: FeedUrls | null; prev: FeedUrls | null; next: FeedUrls | null };
  entries: FeedEntry[];
}

/** Which feed: the site's or one tag's, and the subscription document or one archive page. */
export interface FeedScope {
  tag?: string;
  /** How the tag is shown (src/services/reading.ts, tagDisplay); its key when not given. */
  tagName?: string;
  /** An archive page number, from 1; absent for the subscription feed. */
  page?: number;
}

/** The addresses of a feed document in the three formats. */
export function feedUrls(site: Site, scope: FeedScope): FeedUrls {
  const base = scope.tag === undefined ? site.url : tagUrl(site, scope.tag);
  const query = scope.page === undefined ? '' : `?archive=${scope.page}`;
  return { rss: `${base}/feed.xml${query}`, atom: `${base}/atom.xml${query}`, json: `${base}/feed.json${query}` };
}

/** The media type of one of our uploads, from its name; null for a file elsewhere. */
function ownMediaType(site: Site, url: string): string | null {
  const name = uploadNameAt(site, url);
  return name ? MEDIA_TYPES[name.ext].contentType : null;
}

function entryOf(site: Site, issue: Issue): FeedEntry {
  const url = issueUrl(site, issue.slug);
  const summary = summaryLine(issue);
  return {
    id: `${site.feedIdBase}issue:${issue.id}`,
    title: xmlSafe(issue.title),
    url,
    summary: xmlSafe(summary),
    html: xmlSafe(sanitizeHtml(issue.html, { base: url })),
    authors: issue.authors.map((a) => ({ name: xmlSafe(a.name), url: a.url })),
    tags: issue.tags,
    cover: issue.cover === null ? null : { ...issue.cover, alt: xmlSafe(issue.cover.alt), type: ownMediaType(site, issue.cover.url) },
    attachments: issue.attachments.map((a) => ({ ...a, title: a.title === null ? null : xmlSafe(a.title) })),
    published: issue.published_at ?? issue.updated_at,
    updated: issue.updated_at,
  };
}

/** Builds the model of one feed document from the issues it holds. */
export function buildFeedModel(site: Site, scope: FeedScope, issues: Issue[], archive: { lastPage: number }): FeedModel {
  const entries = issues.map((issue) => entryOf(site, issue));
  const page = scope.page;
  const link = (n: number) => feedUrls(site, { tag: scope.tag, page: n });
  const prevPage = page === undefined ? archive.lastPage : page - 1;
  return {
    id: `${site.feedIdBase}feed${scope.tag === undefined ? '' : `:tag:${encodeURIComponent(scope.tag)}`}`,
    title: xmlSafe(scope.tag === undefined ? site.name : `${site.name} · #${scope.tagName ?? scope.tag}`),
    description: xmlSafe(scope.tag === undefined ? `${site.name}의 모든 이슈` : `${site.name}의 #${scope.tagName ?? scope.tag} 이슈`),
    language: site.language,
    homeUrl: archiveUrl(site, scope.tag),
    urls: feedUrls(site, scope),
    hub: site.hub,
    // biome-ignore lint/complexity/useMathMinMax: ISO 8601 UTC times, compared as strings (Math.max would make NaN of them).
    updated: entries.reduce((max, e) => (e.updated > max ? e.updated : max), '1970-01-01T00:00:00.000Z'),
    publisher: xmlSafe(site.name),
    archive: {
      isArchive: page !== undefined,
      current: page === undefined ? null : feedUrls(site, { tag: scope.tag }),
      prev: prevPage >= 1 ? link(prevPage) : null,
      next: page !== undefined && page < archive.lastPage ? link(page + 1) : null,
    },
    entries,
  };
}
