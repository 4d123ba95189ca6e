import { describe, expect, it } from 'vitest';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { RETRY_DELAYS_SECONDS } from '../../src/domain/webhook';
import { DEAD_LETTER_QUEUE, DELIVERY_QUEUE } from '../../src/services/webhooks';

/**
 * The webhook queues as wrangler.toml configures them must agree with the code: Queues moves a
 * message to the dead-letter queue after `max_retries`, so that number, with the delays the
 * consumer asks for, is what "retried for 24 hours" comes to.
 */
describe('the webhook queues in wrangler.toml', () => {
  const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
  const consumers = workerOptions.queueConsumers as Record<string, { maxRetries?: number; deadLetterQueue?: string }>;
  const producers = workerOptions.queueProducers as Record<string, { queueName: string }>;

  it('produce to the queue the consumer reads, dead-lettering to the one the code names', () => {
    expect(producers.WEBHOOKS?.queueName).toBe(DELIVERY_QUEUE);
    expect(consumers[DELIVERY_QUEUE]?.deadLetterQueue).toBe(DEAD_LETTER_QUEUE);
    expect(Object.keys(consumers).sort()).toEqual([DELIVERY_QUEUE, DEAD_LETTER_QUEUE].sort());
  });

  it('retry once per delay, about 24 hours in all, no delay past Queues’ 12-hour limit', () => {
    expect(consumers[DELIVERY_QUEUE]?.maxRetries).toBe(RETRY_DELAYS_SECONDS.length);
    const total = RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);
    expect(total / 3600).toBeGreaterThan(23);
    expect(total / 3600).toBeLessThanOrEqual(24);
    expect(Math.max(...RETRY_DELAYS_SECONDS)).toBeLessThanOrEqual(12 * 3600);
    // Each delay at least the one before: the backoff never shortens.
    expect(RETRY_DELAYS_SECONDS.every((delay, i) => i === 0 || delay >= RETRY_DELAYS_SECONDS[i - 1]!)).toBe(true);
  });
});
