import type { RequestContext } from '../config';
import { pruneIdempotencyKeys } from '../storage/idempotency';
import { reconcileVersionHint } from './content-version';
import { publishDue } from './publishing';
import { rerenderStale } from './rerender';
import { indexPendingGrams } from './search-index';
import { webhookUpkeep } from './webhooks';
import { sendDuePings } from './websub';

/** Idempotency keys are kept this long, then a retry is treated as a new request. */
const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * One run of the cron trigger, at `context.now()`: publishes scheduled issues that are due, renders
 * again what an older renderer wrote, writes missing gram rows, pings the WebSub hub, sends and prunes webhook deliveries, heals KV's
 * version hint, and forgets old idempotency keys. Each step says in the log what it did.
 */
export async function runScheduled(context: RequestContext): Promise<void> {
  const published = await publishDue(context);
  if (published.length > 0) console.log(`published ${published.length} scheduled issue(s): ${published.join(', ')}`);
  const rerendered = await rerenderStale(context);
  if (rerendered > 0) console.log(`rendered ${rerendered} issue(s) again with the current renderer`);
  const indexed = await indexPendingGrams(context);
  if (indexed > 0) console.log(`search: wrote the gram index rows of ${indexed} issue(s)`);
  const pinged = await sendDuePings(context);
  if (pinged > 0) console.log(`websub: pinged the hub for ${pinged} feed(s)`);
  const queued = await webhookUpkeep(context);
  if (queued > 0) console.log(`webhooks: queued ${queued} deliveries`);
  // Heals KV's version hint from D1 if a write to it was lost, late or overwritten.
  if (await reconcileVersionHint(context)) console.log('kv: the content version hint was behind D1 and is now set right');
  const before = new Date(context.now().getTime() - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString();
  context.defer(pruneIdempotencyKeys(context.db, before));
}
