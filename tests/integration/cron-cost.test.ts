import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { countingD1, type QueryLog } from '../support/d1-doubles';

/**
 * What the cron costs each minute when there is nothing to do (README, "What it costs"): the
 * D1 calls it makes, counted through the real D1, so the README's figure is this test's.
 */
async function cron(log: QueryLog[]): Promise<void> {
  const ctx = createExecutionContext();
  const controller = createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' });
  await worker.scheduled(controller, { ...env, DB: countingD1(env.DB, log) }, ctx);
  await waitOnExecutionContext(ctx);
}

describe('the cron, each minute', () => {
  it('makes 9 D1 calls when nothing waits (the figure the README states)', async () => {
    await cron([]); // a first run settles whatever the migrations left waiting
    const log: QueryLog[] = [];
    await cron(log);
    expect(
      log.map((q) => q.sql.slice(0, 60)),
      JSON.stringify(
        log.map((q) => q.sql.slice(0, 80)),
        null,
        1,
      ),
    ).toHaveLength(9);
  });
});
