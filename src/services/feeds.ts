import type { RequestContext } from '../config';
import { notFound } from '../http/problem';
import { buildFeedModel, FEED_SIZE, type FeedFormat, type FeedScope } from '../render/feed-model';
import { RENDERERS } from '../render/feeds';
import { archivePage, newestPublished } from '../storage/feeds';
import { lastChange } from '../storage/issues';
import { publishedCount } from '../storage/published-counts';
import { readerView, tagDisplay } from './reading';

export interface FeedDocument {
  body: string;
  lastModified: string | null;
  isArchive: boolean;
}

/**
 * One feed document: the newest FEED_SIZE issues (the subscription feed), or an RFC 5005 archive
 * page. Archive pages are the full pages of FEED_SIZE issues in publishing order; the issues after
 * the last full page are all in the subscription feed, so the whole back catalogue is reachable.
 */
export async function feedDocument(context: RequestContext, scope: FeedScope, format: FeedFormat): Promise<FeedDocument> {
  const [count, lastModified] = await Promise.all([publishedCount(context.db, scope.tag), lastChange(context.db)]);
  if (scope.tag !== undefined && count === 0) throw notFound(`No published issue has the tag "${scope.tag}".`);
  const lastPage = Math.floor(count / FEED_SIZE);
  if (scope.page !== undefined && scope.page > lastPage) {
    throw notFound(lastPage === 0 ? 'This feed has no archive pages yet.' : `This feed's archive pages are 1 to ${lastPage}.`);
  }
  const issues = await readerView(
    context,
    scope.page === undefined
      ? await newestPublished(context.db, { tag: scope.tag, limit: FEED_SIZE }, context.site.url)
      : await archivePage(context.db, { tag: scope.tag, page: scope.page, size: FEED_SIZE }, context.site.url),
  );
  const named = scope.tag === undefined ? scope : { ...scope, tagName: await tagDisplay(context, scope.tag) };
  const model = buildFeedModel(context.site, named, issues, { lastPage });
  return { body: RENDERERS[format](model), lastModified, isArchive: scope.page !== undefined };
}
