import type { App } from '../config';
import type { Issue } from '../domain/issue';
import { notFound } from '../http/problem';
import type { IssueListItem, Keyset } from '../storage/issue-rows';
import { findPublishedBySlug, lastChange, listPublished, listTags } from '../storage/issues';
import { searchPublished } from '../storage/search';

/** One published issue by slug, or 404: drafts, scheduled and archived issues do not exist here. */
export async function getPublishedIssue(app: App, slug: string): Promise<Issue> {
  const issue = await findPublishedBySlug(app.db, slug);
  if (issue === null) throw notFound(`No published issue has the slug "${slug}".`);
  return issue;
}

export interface PublishedQuery {
  tag?: string;
  /** Search terms; every one must match. */
  terms: string[];
  after: Keyset | null;
  limit: number;
}

/** A page of published issues, newest first, by tag and search terms. */
export async function listPublishedIssues(app: App, query: PublishedQuery): Promise<IssueListItem[]> {
  return query.terms.length === 0 ? listPublished(app.db, query) : searchPublished(app.db, query);
}

/** Tags with their counts of published issues. */
export async function listPublishedTags(app: App): Promise<{ name: string; count: number }[]> {
  return listTags(app.db);
}

/**
 * When anything a list shows last changed. It is the latest change to any issue, not just to the
 * listed ones, so that an issue leaving the list (unpublished) also moves it.
 */
export async function listsLastModified(app: App): Promise<string | null> {
  return lastChange(app.db);
}
