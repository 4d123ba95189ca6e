import type { Issue } from '../domain/issue';
import type { Status } from '../domain/status';

/** An issue in a list: everything but the body and its HTML. */
export type IssueListItem = Omit<Issue, 'body' | 'html'>;

/** A position in a list ordered by (time, id) descending: the last row of the previous page. */
export interface Keyset {
  at: string;
  id: string;
}

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
  canonical_url: string | null;
  language: string;
  status: Status;
  publish_at: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export const LIST_COLUMNS =
  'id, number, slug, title, subtitle, summary, teasers, tags, authors, cover_image, canonical_url, language, ' +
  'status, publish_at, published_at, created_at, updated_at, version';
export const ALL_COLUMNS = `${LIST_COLUMNS}, body, html`;

export function toListItem(row: IssueRow): IssueListItem {
  const { body: _body, html: _html, ...rest } = row;
  return {
    ...rest,
    summary: JSON.parse(row.summary) as string[],
    teasers: JSON.parse(row.teasers) as Issue['teasers'],
    tags: JSON.parse(row.tags) as string[],
    authors: JSON.parse(row.authors) as Issue['authors'],
  };
}

export function toIssue(row: IssueRow): Issue {
  return { ...toListItem(row), body: row.body ?? '', html: row.html ?? '' };
}
