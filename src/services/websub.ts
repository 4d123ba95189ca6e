import type { App } from '../config';
import type { Issue } from '../domain/issue';
import { FEED_FORMATS, feedUrls } from '../render/feed-model';

/** Delays before each retry of a hub ping that failed: three attempts in all. */
export const PING_RETRY_DELAYS_MS = [500, 2000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tells the hub that `url` changed (WebSub §7); retries network failures, 429 and 5xx. */
async function ping(hub: string, url: string): Promise<boolean> {
  for (let attempt = 0; attempt <= PING_RETRY_DELAYS_MS.length; attempt++) {
    if (attempt > 0) await sleep(PING_RETRY_DELAYS_MS[attempt - 1] ?? 0);
    try {
      const response = await fetch(hub, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }),
      });
      await response.body?.cancel();
      if (response.ok) return true;
      if (response.status !== 429 && response.status < 500) break;
    } catch {
      // A network failure: try again.
    }
  }
  console.warn(`websub: the hub did not accept the ping for ${url}`);
  return false;
}

/** Every feed an issue appears in: the site's and each of its tags', in all three formats. */
export function feedsOf(app: App, issues: Pick<Issue, 'tags'>[]): string[] {
  const tags = new Set(issues.flatMap((issue) => issue.tags));
  const scopes = [{}, ...[...tags].map((tag) => ({ tag }))];
  return scopes.flatMap((scope) => FEED_FORMATS.map((format) => feedUrls(app.site, scope)[format]));
}

/**
 * After a change that readers can see (a publish, an unpublish, an edit of a published issue),
 * pings the hub for every feed that changed, once the editor's response has gone.
 */
export function announceChange(app: App, before: Issue, after: Issue): void {
  const hub = app.site.hub;
  if (hub === null || (before.status !== 'published' && after.status !== 'published')) return;
  const urls = feedsOf(app, [before, after]);
  app.defer(Promise.all(urls.map((url) => ping(hub, url))));
}
