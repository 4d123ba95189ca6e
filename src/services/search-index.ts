import type { RequestContext } from '../config';
import { gramsPending, storeGrams } from '../storage/search';

/** How many issues one cron run indexes: cutting 100 bodies of a few KB is a few ms of CPU. */
export const GRAM_BATCH = 100;

/**
 * The cron's part: writes the gram rows of issues that have none yet (those already stored when
 * the gram index came, and those a backup brought back). Readers see no change (the short-term
 * search scans the text until none is left), so the content version stays as it is.
 * Returns how many issues were indexed.
 */
export async function indexPendingGrams(context: RequestContext): Promise<number> {
  // From the primary: a lagging replica would offer issues already indexed.
  const primary = context.session('first-primary');
  const pending = await gramsPending(primary.db, GRAM_BATCH);
  await storeGrams(primary.db, pending);
  return pending.length;
}
