/**
 * Every request the Worker makes to a host outside this machine, in the workerd tests, is answered
 * here (Miniflare's outboundService, run by vitest in Node): no test reaches the internet. What it
 * models, by host:
 *
 * - the hosts the email fixtures name (an ESP's images, trackers and pages): unreachable, as a
 *   host is when the network is down (the fetch fails);
 * - `*.outbound.test`: scripted web servers, below, for redirect chains, trackers, slow hosts;
 * - anything else: unexpected. It fails like an unreachable host, and is recorded; the setup file
 *   asks for the record after each test (`GET http://outbound-guard.test/unexpected`) and fails
 *   the test that made one.
 *
 * Loopback addresses (the stand-in hub and receiver) pass through to this machine.
 */

/** Hosts the fixtures name, unreachable here as without a network. */
const UNREACHABLE = [
  /(?:^|\.)(?:stibee\.com|stib\.ee|substack\.com|substackcdn\.com|buttondown\.com|buttondown\.email|list-manage\.com|mailchimp\.com|mcusercontent\.com|campaign-archive\.com|kakao\.com|facebook\.com|twitter\.com|x\.com|linkedin\.com|instagram\.com|youtube\.com)$/,
  /(?:^|\.)(?:example|example\.com|example\.kr|example\.org|example\.net)$/,
];

/** How many requests the scripted hosts got, by the group a test named. */
const counts = new Map<string, number>();
let unexpected: string[] = [];

const page = (status: number, body = '', headers: Record<string, string> = {}) => new Response(body, { status, headers });

/**
 * The scripted servers (a test names its own group, counted apart):
 * - `click.outbound.test/c/{group}-{id}`: an opaque tracker's link (its target is not in its
 *   address), 302 to `hop.outbound.test/{group}/2`;
 * - `hop.outbound.test/{group}/{k}`: 302 k more times through itself, then to
 *   `site.outbound.test/story?utm_source=newsletter&id={group}`;
 * - `site.outbound.test/…`: a page (200);
 * - `slow.outbound.test/{group}/…`: answers after 40 s (a host that hangs).
 */
async function scripted(url: URL): Promise<Response> {
  const segments = url.pathname.split('/');
  const group =
    url.hostname === 'click.outbound.test'
      ? (segments[2] ?? '').split('-')[0]!
      : url.hostname === 'site.outbound.test'
        ? (url.searchParams.get('id') ?? '')
        : (segments[1] ?? '');
  counts.set(group, (counts.get(group) ?? 0) + 1);
  switch (url.hostname) {
    case 'click.outbound.test':
      return page(302, '', { Location: `https://hop.outbound.test/${group}/2` });
    case 'hop.outbound.test': {
      const left = Number(segments[2] ?? '0');
      const next =
        left > 0 ? `https://hop.outbound.test/${group}/${left - 1}` : `https://site.outbound.test/story?utm_source=newsletter&id=${group}`;
      return page(302, '', { Location: next });
    }
    case 'site.outbound.test':
      return page(200, '<!doctype html><title>site</title>', { 'Content-Type': 'text/html' });
    case 'slow.outbound.test':
      await new Promise((resolve) => setTimeout(resolve, 40_000).unref());
      return page(504);
    default:
      return page(404);
  }
}

export async function outboundService(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname === 'outbound-guard.test') {
    if (url.pathname === '/unexpected') {
      const seen = unexpected;
      unexpected = [];
      return Response.json(seen);
    }
    if (url.pathname === '/counts') return Response.json(Object.fromEntries(counts));
    return page(404);
  }
  if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    // Sent on as a request of this process's own fetch (the one given is Miniflare's), redirects not followed.
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer());
    const answer = await fetch(url, { method: request.method, headers: request.headers, body, redirect: 'manual' }).catch(() => null);
    // A refused connection stays a network error for the Worker (its fetch rejects), not an answer.
    if (answer === null) return Response.error();
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }
  if (url.hostname.endsWith('.outbound.test')) return scripted(url);
  if (!UNREACHABLE.some((pattern) => pattern.test(url.hostname))) unexpected.push(`${request.method} ${url.origin}${url.pathname}`);
  throw new Error(`${url.hostname} is not reachable from the tests (tests/support/outbound.ts)`);
}
