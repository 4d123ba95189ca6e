import type { RequestContext } from '../config';
import { RENDERER_VERSION, renderMarkdown } from '../render/markdown';
import { MarkupLimitError } from '../render/markup-limits';
import { escapeHtml } from '../render/text';
import { staleRendered, storeRerendered } from '../storage/issues';
import { announceVersion } from './content-version';

/** How many issues one cron run renders again: a minute's work stays small. */
export const RERENDER_BATCH = 25;

/**
 * The cron's part: renders again the issues whose HTML an older renderer wrote, so that a fix to
 * the sanitizer reaches what was stored before it (and what a backup brings back). A body that the
 * renderer now refuses is shown as escaped text rather than keep HTML written by an older rule.
 * Returns how many issues were rendered again.
 */
export async function rerenderStale(context: RequestContext): Promise<number> {
  // From the primary: a lagging replica would offer issues already rendered again.
  const primary = context.session('first-primary');
  const stale = await staleRendered(primary.db, RENDERER_VERSION, RERENDER_BATCH, context.site.url);
  const rendered = stale.map((issue) => {
    try {
      return { issue, html: renderMarkdown(issue.body) };
    } catch (error) {
      if (!(error instanceof MarkupLimitError)) throw error;
      return { issue, html: `<pre>${escapeHtml(issue.body)}</pre>` };
    }
  });
  // One transaction for the run: the version moves at most once, and only if some HTML changed.
  const version = await storeRerendered(primary.db, rendered, RENDERER_VERSION);
  if (version !== null) announceVersion(context, version, primary.bookmark());
  return stale.length;
}
