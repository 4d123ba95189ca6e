import type { RequestContext } from '../config';
import { UNATTRIBUTED, type UsageDay, type UsageEvent } from '../domain/usage';
import { clientHash } from './clients';

/** The counter of a partner key, or of the unattributed usage. */
const counterOf = (context: RequestContext, key: string | null) => context.usage.get(context.usage.idFromName(key ?? UNATTRIBUTED));

/**
 * Counts a widget view or a click-through, after the response has gone: a view never waits for
 * its count, and a count that fails is dropped (with a warning), never retried into a double.
 * Readers are told apart by the daily-salted client hash the feedback uses (no address is kept);
 * where FEEDBACK_HASH_SECRET is not set, views and clicks are counted without readers.
 */
export function recordUsage(context: RequestContext, key: string | null, event: UsageEvent, address: string): void {
  const day = context.now().toISOString().slice(0, 10);
  context.defer(
    (async () => {
      const reader = context.hashSecret === null ? null : await clientHash(context, address);
      await counterOf(context, key).record(day, event, reader);
    })().catch((error: unknown) => console.warn('usage: a count was dropped', error)),
  );
}

/** The usage of a partner key (null: the unattributed), by day from `from` to `to` inclusive. */
export function usageOf(context: RequestContext, key: string | null, from: string, to: string): Promise<UsageDay[]> {
  return counterOf(context, key).usage(from, to);
}
