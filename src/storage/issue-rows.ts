import type { Issue, IssueListItem } from '../domain/issue';
import { parseMediaName } from '../domain/media';
import type { Status } from '../domain/status';

/** An issue as D1 holds it: lists and objects as JSON text. */
export interface IssueRow {
  id: string;
  number: number;
  slug: string;
  title: string;
  subtitle: string | null;
  summary: string;
  body?: string;
  html?: string;
  teasers: string;
  tags: string;
  authors: string;
  cover_image: string | null;
  cover_alt: string | null;
  attachments: string;
  canonical_url: string | null;
  language: string;
  status: Status;
  publish_at: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The columns of an issue (beside seq and the index bookkeeping), in the one order every statement uses. */
export const ISSUE_COLUMNS = [
  'id',
  'number',
  'slug',
  'title',
  'subtitle',
  'summary',
  'body',
  'html',
  'teasers',
  'tags',
  'authors',
  'cover_image',
  'cover_alt',
  'attachments',
  'canonical_url',
  'language',
  'status',
  'publish_at',
  'published_at',
  'created_at',
  'updated_at',
  'version',
] as const;
export type IssueColumn = (typeof ISSUE_COLUMNS)[number];

/** What a list reads: every column but the body and its HTML. */
export const LIST_COLUMNS = ISSUE_COLUMNS.filter((column) => column !== 'body' && column !== 'html').join(', ');
export const ALL_COLUMNS = ISSUE_COLUMNS.join(', ');

/** Whether a path is a stored upload's under the site: /media/<sha256>.<ext> (domain/media names it). */
const isOwnMediaPath = (path: string) => path.startsWith('/media/') && parseMediaName(path.slice('/media/'.length)) !== null;

/**
 * Our own uploads named by a cover or an attachment are stored by their path under the site
 * (/media/<sha256>.<ext>) and read back under the site's URL of the moment (`base`, Site.url): they
 * follow SITE_URL through a domain move, another local port or a backup restored elsewhere.
 */
export function storedMediaUrl(base: string, url: string): string {
  const path = url.startsWith(`${base}/`) ? url.slice(base.length) : null;
  return path !== null && isOwnMediaPath(path) ? path : url;
}

/** The inverse of storedMediaUrl: a stored path as an absolute URL on the site. */
export function servedMediaUrl(base: string, url: string): string {
  return isOwnMediaPath(url) ? `${base}${url}` : url;
}

/** Attachments with their own uploads' URLs turned by `turn`. */
const withMediaUrls = <A extends { url: string }>(attachments: readonly A[], turn: (url: string) => string): A[] =>
  attachments.map((a) => ({ ...a, url: turn(a.url) }));

/** An issue as the values of its columns (the inverse of toIssue); `base` is the site's URL. */
export function toRowValues(issue: Issue, base: string): Record<IssueColumn, string | number | null> {
  const { cover, ...rest } = issue;
  return {
    ...rest,
    cover_image: cover === null ? null : storedMediaUrl(base, cover.url),
    cover_alt: cover?.alt ?? null,
    attachments: JSON.stringify(withMediaUrls(issue.attachments, (url) => storedMediaUrl(base, url))),
    summary: JSON.stringify(issue.summary),
    teasers: JSON.stringify(issue.teasers),
    tags: JSON.stringify(issue.tags),
    authors: JSON.stringify(issue.authors),
  };
}

/** A row as a list item; `base` is the site's URL, under which our own uploads are served. */
export function toListItem(row: IssueRow, base: string): IssueListItem {
  const { body: _body, html: _html, cover_image, cover_alt, ...rest } = row;
  return {
    ...rest,
    cover: cover_image === null ? null : { url: servedMediaUrl(base, cover_image), alt: cover_alt ?? '' },
    attachments: withMediaUrls(JSON.parse(row.attachments) as Issue['attachments'], (url) => servedMediaUrl(base, url)),
    summary: JSON.parse(row.summary) as string[],
    teasers: JSON.parse(row.teasers) as Issue['teasers'],
    tags: JSON.parse(row.tags) as string[],
    authors: JSON.parse(row.authors) as Issue['authors'],
  };
}

export function toIssue(row: IssueRow, base: string): Issue {
  return { ...toListItem(row, base), body: row.body ?? '', html: row.html ?? '' };
}
