import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

/**
 * No test reaches the internet (tests/support/outbound.ts): a request to a host no stand-in answers
 * is refused and recorded, and the setup file fails the test that made it. Here the record is read
 * (and so emptied) by the test itself, to show that it is kept.
 */
describe('the outbound guard', () => {
  it('records a request to a host no stand-in answers, and lets it reach nothing', async () => {
    expect(env.TEST_OUTBOUND_GUARD).toBe('on');
    const answer = await fetch('https://unexpected-host.net/leak?x=1').catch((error: Error) => error);
    expect(answer instanceof Response ? answer.status : 0).not.toBe(200);
    const unexpected = (await (await fetch('http://outbound-guard.test/unexpected')).json()) as string[];
    expect(unexpected).toEqual(['GET https://unexpected-host.net/leak']);
  });

  it('answers the fixtures’ hosts as unreachable, without recording them', async () => {
    const answer = await fetch('https://img.stibee.com/x.png').catch((error: Error) => error);
    expect(answer instanceof Response ? answer.status : 0).not.toBe(200);
    expect(await (await fetch('http://outbound-guard.test/unexpected')).json()).toEqual([]);
  });
});
