import type { RequestContext } from '../config';
import { BOUND_MS } from '../domain/freshness';
import type { Issue } from '../domain/issue';
import { FEED_FORMATS, feedUrls } from '../render/feed-model';
import { countFailedPing, duePings, queuePings, removePing } from '../storage/websub-outbox';

/** Delays before each retry of a hub ping that failed: three attempts in all. */
const PING_RETRY_DELAYS_MS = [500, 2000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pings wait until every isolate serves the change: the freshness bound, plus a second. */
export const PING_DELAY_MS = BOUND_MS + 1_000;

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
function feedsOf(context: RequestContext, issues: Pick<Issue, 'tags'>[]): string[] {
  const tags = new Set(issues.flatMap((issue) => issue.tags));
  const scopes = [{}, ...[...tags].map((tag) => ({ tag }))];
  return scopes.flatMap((scope) => FEED_FORMATS.map((format) => feedUrls(context.site, scope)[format]));
}

/** A ping that failed this many cron runs in a row is dropped (its hub is gone or refuses us). */
const MAX_PING_RUNS = 10;

/**
 * After a change that readers can see (a publish, an unpublish, an edit of a published issue):
 * the statements that queue a ping for every feed that changed, for the change's own batch. They
 * are due once every location serves the change (PING_DELAY_MS): a hub fetches the feed as soon
 * as it is pinged, and would otherwise read the old one and not come back.
 */
export function pingStatements(context: RequestContext, before: Issue, after: Issue): D1PreparedStatement[] {
  if (context.site.hub === null || (before.status !== 'published' && after.status !== 'published')) return [];
  const due = new Date(context.now().getTime() + PING_DELAY_MS).toISOString();
  return queuePings(context.db, feedsOf(context, [before, after]), due);
}

/** The cron's part: sends the pings that are due (three tries each), and keeps the failed ones. */
export async function sendDuePings(context: RequestContext): Promise<number> {
  const hub = context.site.hub;
  if (hub === null) return 0;
  const due = await duePings(context.db, context.now().toISOString());
  let sent = 0;
  await Promise.all(
    due.map(async (queued) => {
      if (await ping(hub, queued.topic)) {
        sent++;
        await removePing(context.db, queued);
      } else if (queued.attempts + 1 >= MAX_PING_RUNS) {
        console.warn(`websub: dropping the ping for ${queued.topic} after ${MAX_PING_RUNS} failed runs`);
        await removePing(context.db, queued);
      } else {
        await countFailedPing(context.db, queued);
      }
    }),
  );
  return sent;
}
