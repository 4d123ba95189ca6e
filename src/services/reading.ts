import type { RequestContext } from '../config';
import type { SealedCursor } from '../domain/cursor';
import type { Issue, IssueListItem } from '../domain/issue';
import { keysetPage } from '../domain/pages';
import { namesUploads, withoutTakenDown } from '../domain/takedown';
import { invalidInput, notFound } from '../http/problem';
import { VisibleText } from '../render/highlight';
import { REMOVED_FILE_NOTE } from '../render/pages/issue-parts';
import { findPublishedBySlug, isPublishedSlug, lastChange, listPublished, publishedHtmlWindow } from '../storage/issues';
import { tagCounts, tagName } from '../storage/published-counts';
import { searchPublished } from '../storage/search';
import { openCursor, sealCursor } from './cursors';
import { takenDownFiles } from './media';

/** One published issue by slug, or 404: drafts, scheduled and archived issues do not exist here. */
export async function getPublishedIssue(context: RequestContext, slug: string): Promise<Issue> {
  const [issue, removed] = await Promise.all([findPublishedBySlug(context.db, slug, context.site.url), takenDownFiles(context)]);
  if (issue === null) throw notFound(`No published issue has the slug "${slug}".`);
  return withoutTakenDown(issue, removed, REMOVED_FILE_NOTE);
}

/** Whether a published issue has this slug: what a click-through must lead to, to be counted. */
export function isPublished(context: RequestContext, slug: string): Promise<boolean> {
  return isPublishedSlug(context.db, slug);
}

export interface PublishedQuery {
  tag?: string;
  /** Search terms; every one must match. */
  terms: string[];
  /** The cursor a reader passed back; its seal is checked (400 when this site did not make it). */
  after: SealedCursor | undefined;
  limit: number;
}

/**
 * A page of published issues and the sealed cursor of the next one (null on the last): newest
 * first, by tag; with search terms, most recently published first (see searchPublished).
 */
export async function listPublishedIssues(
  context: RequestContext,
  query: PublishedQuery,
): Promise<{ issues: IssueListItem[]; next: string | null }> {
  const after = await openCursor(context, query.after);
  // A list's cursor is a time and an id, a search's also its place in the index: one passed to the
  // other would silently start again at page 1.
  const searching = query.terms.length > 0;
  if (after !== null && (after.seq !== undefined) !== searching) {
    const detail = searching
      ? 'This cursor pages a list, not a search: start the search without one.'
      : 'This cursor pages a search, not a list: start the list without one.';
    throw invalidInput(
      [{ path: '/cursor', message: searching ? 'is a list cursor; a search needs its own' : 'is a search cursor; a list needs its own' }],
      detail,
    );
  }
  if (query.terms.length === 0) {
    const { items, next } = await keysetPage(
      query.limit,
      (limit) => listPublished(context.db, { tag: query.tag, after, limit }, context.site.url),
      (last) => (last.published_at ? sealCursor(context, { at: last.published_at, id: last.id }) : null),
    );
    return { issues: await readerView(context, items), next };
  }
  const { items, next } = await keysetPage(
    query.limit,
    (limit) => searchPublished(context.db, { terms: query.terms, tag: query.tag, afterSeq: after?.seq ?? null, limit }, context.site.url),
    (last) => (last.issue.published_at ? sealCursor(context, { at: last.issue.published_at, id: last.issue.id, seq: last.seq }) : null),
  );
  return {
    issues: await readerView(
      context,
      items.map((hit) => hit.issue),
    ),
    next,
  };
}

/** Issues as readers see them: without the files that were taken down. */
export async function readerView<T extends IssueListItem>(context: RequestContext, issues: T[]): Promise<T[]> {
  // Only an issue that names an upload can name one taken down: no query for a page of others.
  if (!issues.some(namesUploads)) return issues;
  const removed = await takenDownFiles(context);
  return issues.map((issue) => withoutTakenDown(issue, removed, REMOVED_FILE_NOTE));
}

/** A page of search results with each issue's visible text, for the search page's excerpts. */
export async function searchWithText(
  context: RequestContext,
  terms: string[],
  after: PublishedQuery['after'],
  limit: number,
): Promise<{ results: { issue: IssueListItem; text: string }[]; next: string | null }> {
  const { issues, next } = await listPublishedIssues(context, { tag: undefined, terms, after, limit });
  const texts = await excerptTexts(
    context,
    issues.map((issue) => issue.id),
  );
  return { results: issues.map((issue) => ({ issue, text: texts.get(issue.id) ?? '' })), next };
}

/**
 * The first HTML window read of each issue, in characters: about three times the 20,000 characters of
 * text an excerpt keeps (rendered Markdown is mostly text); each further window is twice the last,
 * so markup-heavy HTML (a table, links by reference) takes a few more reads, never a whole issue
 * more than it needs.
 */
export const FIRST_HTML_WINDOW = 64_000;

/**
 * Each issue's visible text, for its excerpt: the HTML is read from D1 a window at a time, and
 * only for the issues whose text is not yet long enough, so neither D1 nor the parser goes past
 * what the excerpt keeps.
 */
async function excerptTexts(context: RequestContext, ids: readonly string[]): Promise<Map<string, string>> {
  const readers = new Map(ids.map((id) => [id, new VisibleText()]));
  const versions = new Map<string, number>();
  let pending = [...readers.keys()];
  let from = 1;
  let length = FIRST_HTML_WINDOW;
  while (pending.length > 0) {
    const windows = await publishedHtmlWindow(context.db, pending, from, length);
    const more: string[] = [];
    for (const id of pending) {
      const window = windows.get(id);
      // Unpublished or changed since the first window: its text so far (none, when it was never read).
      if (window === undefined || (versions.get(id) ?? window.version) !== window.version) continue;
      versions.set(id, window.version);
      const reader = readers.get(id)!;
      reader.write(window.html);
      // substr counts characters, `length` UTF-16 units (one or two a character): a window shorter
      // than asked is the last; a full one may be too, which costs one empty read at worst.
      if (!reader.done && window.html.length >= length) more.push(id);
    }
    pending = more;
    from += length;
    length *= 2;
  }
  return new Map([...readers].map(([id, reader]) => [id, reader.text()]));
}

/** How a tag is shown (its key, for one no published issue has): the same on every page of it. */
export async function tagDisplay(context: RequestContext, key: string): Promise<string> {
  return (await tagName(context.db, key)) ?? key;
}

/** Tags with their counts of published issues. */
export async function listPublishedTags(context: RequestContext): Promise<{ key: string; name: string; count: number }[]> {
  return tagCounts(context.db);
}

/**
 * When anything a list shows last changed. It is the latest change to any issue, not just to the
 * listed ones, so that an issue leaving the list (unpublished) also moves it.
 */
export async function listsLastModified(context: RequestContext): Promise<string | null> {
  return lastChange(context.db);
}
