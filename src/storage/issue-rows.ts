import type { Issue, IssueListItem } from '../domain/issue';
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

/** An issue as the values of its columns (the inverse of toIssue). */
export function toRowValues(issue: Issue): Record<IssueColumn, string | number | null> {
  const { cover, ...rest } = issue;
  return {
    ...rest,
    cover_image: cover?.url ?? null,
    cover_alt: cover?.alt ?? null,
    attachments: JSON.stringify(issue.attachments),
    summary: JSON.stringify(issue.summary),
    teasers: JSON.stringify(issue.teasers),
    tags: JSON.stringify(issue.tags),
    authors: JSON.stringify(issue.authors),
  };
}

export function toListItem(row: IssueRow): IssueListItem {
  const { body: _body, html: _html, cover_image, cover_alt, ...rest } = row;
  return {
    ...rest,
    cover: cover_image === null ? null : { url: cover_image, alt: cover_alt ?? '' },
    attachments: JSON.parse(row.attachments) as Issue['attachments'],
    summary: JSON.parse(row.summary) as string[],
    teasers: JSON.parse(row.teasers) as Issue['teasers'],
    tags: JSON.parse(row.tags) as string[],
    authors: JSON.parse(row.authors) as Issue['authors'],
  };
}

export function toIssue(row: IssueRow): Issue {
  return { ...toListItem(row), body: row.body ?? '', html: row.html ?? '' };
}
