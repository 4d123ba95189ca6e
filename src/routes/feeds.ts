import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import type { FeedQuerySchema } from '../domain/queries';
import { linkHeader } from '../http/header-values';
import { type FeedFormat, type FeedScope, feedUrls } from '../render/feed-model';
import { FEED_CONTENT_TYPES } from '../render/feeds';
import { feedDocument } from '../services/feeds';
import { serveCached } from './cached';
import { tagParam } from './params';

/** Serves one feed format, site-wide or for the `:tag` in the path. */
function feedRoute(format: FeedFormat, perTag: boolean) {
  return async (
    request: IRequest,
    context: RequestContext,
    { query: { archive } }: { query: v.InferOutput<typeof FeedQuerySchema> },
  ): Promise<Response> => {
    const scope: FeedScope = { ...(perTag ? { tag: tagParam(request) } : {}), ...(archive === undefined ? {} : { page: archive }) };
    const self = feedUrls(context.site, scope)[format];
    // WebSub discovery (§4): the hub and the topic URL, as Link headers too.
    const headers: Record<string, string> =
      context.site.hub === null
        ? {}
        : {
            Link: linkHeader([
              { href: context.site.hub, rel: 'hub' },
              { href: self, rel: 'self' },
            ]),
          };
    return serveCached(request, context, { tag: scope.tag, archive }, async (context) => {
      const document = await feedDocument(context, scope, format);
      return {
        body: document.body,
        contentType: FEED_CONTENT_TYPES[format],
        lastModified: document.lastModified,
        policy: document.isArchive ? 'feedArchive' : 'feed',
        headers,
      };
    });
  };
}

export const rss = feedRoute('rss', false);
export const atom = feedRoute('atom', false);
export const jsonFeed = feedRoute('json', false);
export const tagRss = feedRoute('rss', true);
export const tagAtom = feedRoute('atom', true);
export const tagJsonFeed = feedRoute('json', true);
