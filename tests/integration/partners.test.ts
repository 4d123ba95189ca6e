import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { contextFrom, type RequestContext } from '../../src/config';
import { BOUND_MS } from '../../src/domain/freshness';
import { CACHE_POLICY } from '../../src/http/cache-policy';
import { buildRouter } from '../../src/router';
import { newIsolateState } from '../../src/services/isolate-state';
import { XSS_PAYLOADS } from '../browser/xss-payloads';
import { makeIssue } from '../fixtures/issues';
import { callModule, databaseContents, mintToken, ORIGIN } from '../helpers';
import { violationsInPage } from '../support/html-oracle';

/**
 * Partner sites (README, "For partners"): the managed list, framing that follows it (cached embeds
 * included), the latest-issue and list widgets, oEmbed for list pages, the snippet, and usage
 * counted per partner and day by the Durable Object, exactly.
 */
let admin: Record<string, string>;
let ip = 0;
/** A reader's request from its own address (or a given one), through the Worker module, background work awaited. */
const read = (path: string, address = `198.51.${(++ip >> 8) & 255}.${ip & 255}`) =>
  callModule(path, { headers: { 'CF-Connecting-IP': address } });

async function adminCall(path: string, method = 'GET', body?: unknown, type = 'application/json') {
  return callModule(path, {
    method,
    headers: { ...admin, ...(body === undefined ? {} : { 'Content-Type': type }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface Partner {
  id: string;
  key: string;
  name: string;
  origins: string[];
  removed_at: string | null;
}

async function addPartner(name: string, origins: string[]): Promise<Partner> {
  const response = await adminCall('/api/v1/admin/partners', 'POST', { name, origins });
  expect(response.status).toBe(201);
  return (await response.json()) as Partner;
}

async function publishIssue(overrides: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
  const created = await adminCall('/api/v1/admin/issues', 'POST', makeIssue(overrides));
  const issue = (await created.json()) as { id: string; slug: string };
  expect((await adminCall(`/api/v1/admin/issues/${issue.id}/publish`, 'POST')).status).toBe(200);
  return issue;
}

const frameAncestors = (response: Response) =>
  /frame-ancestors ([^;]*)/.exec(response.headers.get('Content-Security-Policy') ?? '')?.[1] ?? '';

let first: { id: string; slug: string };
beforeAll(async () => {
  admin = { Authorization: `Bearer ${await mintToken('admin')}` };
  first = await publishIssue({ tags: ['partners'] });
});
afterEach(() => vi.useRealTimers());

describe('the partner list', () => {
  it('creates a partner with a generated public key and normalized origins', async () => {
    const partner = await addPartner('  Blog One ', ['https://blog.example/', 'http://localhost:8080', 'https://blog.example']);
    expect(partner).toMatchObject({ name: 'Blog One', origins: ['https://blog.example', 'http://localhost:8080'], removed_at: null });
    expect(partner.key).toMatch(/^pk_[A-Za-z0-9_-]{22}$/);
    expect((await adminCall(`/api/v1/admin/partners/${partner.id}`)).status).toBe(200);
  });

  it.each([
    ['*'],
    ['https://*.example'],
    ['https://p.example/path'],
    ['https://p.example/?q=1'],
    ['https://p.example#x'],
    ['javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['http://p.example'],
    ['https://user:pw@p.example'],
    ["'self'"],
    ['p.example'],
    // What the URL parser lets through and CSP would read as syntax or a wildcard.
    ['https://%2A'],
    ['https://%2A.example.com'],
    ['https://evil.example;sandbox'],
    ['https://a,b.example'],
    ["https://a'self'"],
    ['https://a b.example'],
    // What CSP cannot name exactly: an IPv6 literal, a trailing dot.
    ['https://[::1]'],
    ['http://[::1]:8080'],
    ['https://p.example.'],
  ])('refuses the origin %s, naming the field, and stores nothing', async (origin) => {
    const before = await databaseContents();
    const response = await adminCall('/api/v1/admin/partners', 'POST', { name: 'Bad', origins: [origin] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['/origins/0']);
    expect(await databaseContents()).toEqual(before);
  });

  it('refuses server-owned fields and unknown ones', async () => {
    const response = await adminCall('/api/v1/admin/partners', 'POST', { name: 'X', origins: [], key: 'pk_mine', website: 'x' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([
      { path: '/key', message: 'is read-only' },
      { path: '/website', message: 'is not a known field' },
    ]);
  });

  it('changes, removes (keeping the row) and lists', async () => {
    const partner = await addPartner('Changing', ['https://changing.example']);
    const patched = await adminCall(`/api/v1/admin/partners/${partner.id}`, 'PATCH', { notes: 'weekly' }, 'application/merge-patch+json');
    expect(await patched.json()).toMatchObject({ name: 'Changing', notes: 'weekly', origins: ['https://changing.example'] });
    const removed = (await (await adminCall(`/api/v1/admin/partners/${partner.id}`, 'DELETE')).json()) as Partner;
    expect(removed.removed_at).not.toBeNull();
    expect((await adminCall(`/api/v1/admin/partners/${partner.id}`, 'DELETE')).status).toBe(200);
    expect((await adminCall(`/api/v1/admin/partners/${partner.id}`, 'PATCH', { notes: 'x' })).status).toBe(404);
    const current = (await (await adminCall('/api/v1/admin/partners')).json()) as { partners: Partner[] };
    expect(current.partners.map((p) => p.id)).not.toContain(partner.id);
    const all = (await (await adminCall('/api/v1/admin/partners?removed=include')).json()) as { partners: Partner[] };
    expect(all.partners.map((p) => p.id)).toContain(partner.id);
    expect((await adminCall('/api/v1/admin/partners/not-an-id')).status).toBe(404);
  });
});

describe('framing follows the list', () => {
  it('adds and removes a partner’s origin on every widget, cached ones included', async () => {
    const widgets = [`/embed/${first.slug}`, '/embed/latest', '/embed/list', '/embed/list?tag=partners'];
    for (const path of widgets) {
      expect(frameAncestors(await read(path))).not.toContain('https://framer.example');
      // Now cached for this content version.
      expect((await read(path)).headers.get('Masthead-Cache')).toMatch(/^hit/);
    }
    const partner = await addPartner('Framer', ['https://framer.example']);
    for (const path of widgets) {
      const answer = await read(path);
      expect(frameAncestors(answer), path).toContain('https://framer.example');
      // PARTNER_ORIGINS (wrangler.toml) still frames too.
      expect(frameAncestors(answer)).toContain('https://partner.example');
    }
    await adminCall(`/api/v1/admin/partners/${partner.id}`, 'DELETE');
    for (const path of widgets) expect(frameAncestors(await read(path)), path).not.toContain('https://framer.example');
  });

  it('answers a revalidation (304) with the policy of now, so a browser’s stored copy follows the list', async () => {
    const first304 = await read('/embed/latest');
    const etag = first304.headers.get('ETag')!;
    const partner = await addPartner('Revalidated', ['https://revalidated.example']);
    const revalidate = () => callModule('/embed/latest', { headers: { 'If-None-Match': etag, 'CF-Connecting-IP': '192.0.2.50' } });
    const withPartner = await revalidate();
    expect(withPartner.status).toBe(304);
    expect(frameAncestors(withPartner)).toContain('https://revalidated.example');
    expect(withPartner.headers.get('X-Frame-Options')).toBeNull();
    await adminCall(`/api/v1/admin/partners/${partner.id}`, 'DELETE');
    const without = await revalidate();
    expect(without.status).toBe(304);
    expect(frameAncestors(without)).not.toContain('https://revalidated.example');
    expect(frameAncestors(without)).toContain('https://partner.example');
  });

  it('reaches another isolate within the bound: a removed partner cannot keep framing a cached embed', async () => {
    const partner = await addPartner('Elsewhere', ['https://elsewhere.example']);
    const router = buildRouter();
    const other = newIsolateState();
    // Another isolate of the same location: its own memory, the same Cache API.
    const fromOther = async (path: string) => {
      const ctx = createExecutionContext();
      const context: RequestContext = { ...contextFrom(env, ctx), isolate: other };
      context.at = ((at) => ({ ...contextFrom(env, ctx, at), isolate: other })) as RequestContext['at'];
      const response = (await router.fetch(new Request(`${ORIGIN}${path}`), context, ctx)) as Response;
      await waitOnExecutionContext(ctx);
      return response;
    };
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    expect(frameAncestors(await fromOther('/embed/latest'))).toContain('https://elsewhere.example');
    await adminCall(`/api/v1/admin/partners/${partner.id}`, 'DELETE');
    vi.setSystemTime(start + BOUND_MS);
    expect(frameAncestors(await fromOther('/embed/latest'))).not.toContain('https://elsewhere.example');
  });
});

describe('widgets', () => {
  it('/embed/latest follows publish and unpublish', async () => {
    const newer = await publishIssue({ title: '가장 새로운 이슈', tags: ['partners'] });
    const answer = await read('/embed/latest?tag=partners');
    // Revalidated at every load, so the partner's page shows a new issue on its next load.
    expect(answer.headers.get('Cache-Control')).toBe(CACHE_POLICY.widget);
    expect((await read('/embed/list')).headers.get('Cache-Control')).toBe(CACHE_POLICY.widget);
    const latest = await answer.text();
    expect(latest).toContain('가장 새로운 이슈');
    expect((await adminCall(`/api/v1/admin/issues/${newer.id}/unpublish`, 'POST')).status).toBe(200);
    const after = await (await read('/embed/latest?tag=partners')).text();
    expect(after).not.toContain('가장 새로운 이슈');
    expect((await read('/embed/latest?tag=nothing-has-this')).status).toBe(404);
  });

  it('/embed/list stays under 10 KB for 5 items of the longest titles, slugs and summary points', async () => {
    for (let i = 0; i < 5; i++) {
      await publishIssue({
        title: '&'.repeat(200),
        slug: `${'가'.repeat(99)}${'나다라마바'[i]}`,
        summary: ['<'.repeat(500)],
        tags: ['heavy'],
      });
    }
    const partner = await addPartner('Heavy', ['https://heavy.example']);
    const page = await (await read(`/embed/list?tag=heavy&limit=5&partner=${partner.key}`)).text();
    expect(page.match(/<li>/g)).toHaveLength(5);
    expect(new TextEncoder().encode(page).byteLength).toBeLessThan(10 * 1024);
  });

  it('/embed/list escapes every field, and marks its links with the partner key', async () => {
    const partner = await addPartner('Lister', ['https://lister.example']);
    for (const payload of XSS_PAYLOADS.slice(0, 6)) {
      await publishIssue({
        title: `${payload} ${'제목'.repeat(40)}`.slice(0, 200),
        summary: [`${payload} ${'요약'.repeat(80)}`],
        tags: ['xss'],
      });
    }
    const response = await read(`/embed/list?tag=xss&limit=5&partner=${partner.key}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(new TextEncoder().encode(page).byteLength).toBeLessThan(10 * 1024);
    // Our own <time> elements are not in the sanitizer's allowlist; nothing else may be there.
    expect(violationsInPage(page, 'widget').filter((v) => !v.startsWith('<time'))).toEqual([]);
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain('<base target="_blank">');
    const links = [...page.matchAll(/<li><a href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toHaveLength(5);
    for (const link of links) expect(link).toMatch(new RegExp(`/issues/[^?]+\\?ref=${partner.key}$`));
    expect((await read('/embed/list?limit=11')).status).toBe(400);
  });

  it('leaves an unknown or malformed key out of the links (counted as unattributed)', async () => {
    for (const key of ['pk_AAAAAAAAAAAAAAAAAAAAAA', 'nonsense']) {
      const page = await (await read(`/embed/latest?partner=${key}`)).text();
      expect(page).not.toContain('?ref=');
    }
  });

  it('oEmbed answers the list widget for the home and tag pages, and the issue for an issue page', async () => {
    const home = (await (await read(`/oembed?url=${encodeURIComponent(`${ORIGIN}/`)}`)).json()) as { html: string };
    expect(home.html).toContain(`${ORIGIN}/embed/list`);
    const tag = (await (await read(`/oembed?url=${encodeURIComponent(`${ORIGIN}/tags/partners`)}`)).json()) as { html: string };
    expect(tag.html).toContain('/embed/list?tag=partners');
    const issue = (await (await read(`/oembed?url=${encodeURIComponent(`${ORIGIN}/issues/${first.slug}`)}`)).json()) as { html: string };
    expect(issue.html).toContain(`/embed/${first.slug}`);
    expect((await read(`/oembed?url=${encodeURIComponent(`${ORIGIN}/tags/nothing-has-this`)}`)).status).toBe(404);
  });

  it('refuses the slugs the widgets use, and gives a title that makes one another slug', async () => {
    for (const slug of ['latest', 'list']) expect((await adminCall('/api/v1/admin/issues', 'POST', makeIssue({ slug }))).status).toBe(400);
    const created = (await (await adminCall('/api/v1/admin/issues', 'POST', makeIssue({ slug: undefined, title: 'List' }))).json()) as {
      id: string;
      slug: string;
    };
    expect(created.slug).toBe('list-2');
    const patched = await callModule(`/api/v1/admin/issues/${created.id}`, {
      method: 'PATCH',
      headers: { ...admin, 'Content-Type': 'application/merge-patch+json', 'If-Match': '"v1"' },
      body: JSON.stringify({ slug: 'latest' }),
    });
    expect(patched.status).toBe(400);
  });
});

describe('the snippet', () => {
  it('is the HTML to paste, carrying the partner key', async () => {
    const partner = await addPartner('Paster', ['https://paster.example']);
    const response = await adminCall(`/api/v1/admin/partners/${partner.id}/snippet?widget=latest&tag=partners&view=card&theme=dark`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`src="${ORIGIN}/embed/latest?tag=partners&#38;view=card&#38;theme=dark&#38;partner=${partner.key}"`);
    expect(html).toContain('<iframe data-masthead');
    expect(html).toContain(`<script async src="${ORIGIN}/embed.js"></script>`);
    for (const bad of ['widget=issue', 'widget=issue&slug=..', 'widget=issue&slug=a%2Fb', 'widget=list&slug=x', 'widget=latest&limit=3']) {
      expect((await adminCall(`/api/v1/admin/partners/${partner.id}/snippet?${bad}`)).status, bad).toBe(400);
    }
    const list = await (await adminCall(`/api/v1/admin/partners/${partner.id}/snippet?widget=list&limit=3`)).text();
    expect(list).toContain(`/embed/list?limit=3&#38;partner=${partner.key}`);
    await adminCall(`/api/v1/admin/partners/${partner.id}`, 'DELETE');
    expect((await adminCall(`/api/v1/admin/partners/${partner.id}/snippet`)).status).toBe(404);
  });
});

describe('usage per partner', () => {
  it('counts views by widget, distinct readers and click-throughs exactly; others as unattributed', async () => {
    const partner = await addPartner('Counted', ['https://counted.example']);
    const key = partner.key;
    const today = new Date().toISOString().slice(0, 10);
    const before = (await (await adminCall('/api/v1/admin/partners/usage')).json()) as {
      unattributed: { views: Record<'issue' | 'latest' | 'list', number> };
    };
    // 3 readers see the latest widget; one of them reloads it twice more; 2 readers see the list; 1 the issue embed.
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.1', '203.0.113.1'])
      await read(`/embed/latest?partner=${key}`, address);
    for (const address of ['203.0.113.4', '203.0.113.5']) await read(`/embed/list?partner=${key}`, address);
    await read(`/embed/${first.slug}?partner=${key}`, '203.0.113.6');
    // 2 click-throughs, from a reader seen already; each is sent on to the page's own address.
    for (let i = 0; i < 2; i++) {
      const click = await read(`/issues/${first.slug}?ref=${key}`, '203.0.113.2');
      expect(click.status).toBe(303);
      expect(click.headers.get('Location')).toBe(`${ORIGIN}/issues/${first.slug}`);
    }
    // Not click-throughs: the page itself, a ref that is no partner's, and clicks to issues that are not published.
    await read(`/issues/${first.slug}`, '203.0.113.2');
    for (const slug of ['no-such-issue', `${first.slug}-2`, 'x'.repeat(80)]) {
      expect((await read(`/issues/${slug}?ref=${key}`, '203.0.113.2')).status).toBe(303);
    }
    expect((await read(`/issues/${first.slug}?ref=pk_CCCCCCCCCCCCCCCCCCCCCC&feedback=thanks`, '203.0.113.2')).headers.get('Location')).toBe(
      `${ORIGIN}/issues/${first.slug}?feedback=thanks`,
    );
    // Unattributed: no key, and an unknown key.
    await read('/embed/latest', '203.0.113.7');
    await read('/embed/latest?partner=pk_BBBBBBBBBBBBBBBBBBBBBB', '203.0.113.8');
    // Not views: a HEAD, and an error.
    await callModule(`/embed/latest?partner=${key}`, { method: 'HEAD', headers: { 'CF-Connecting-IP': '203.0.113.9' } });
    await read(`/embed/no-such-issue?partner=${key}`, '203.0.113.9');

    const usage = (await (await adminCall(`/api/v1/admin/partners/${partner.id}/usage`)).json()) as {
      days: { day: string; views: Record<string, number>; readers: number; clicks: number }[];
      totals: { views: Record<string, number>; readers: number; clicks: number };
    };
    expect(usage.days).toEqual([{ day: today, views: { issue: 1, latest: 5, list: 2 }, readers: 6, clicks: 2 }]);
    expect(usage.totals).toEqual({ views: { issue: 1, latest: 5, list: 2 }, readers: 6, clicks: 2 });
    // Read again (each read writes what is pending first): nothing is counted twice.
    const again = (await (await adminCall(`/api/v1/admin/partners/${partner.id}/usage`)).json()) as typeof usage;
    expect(again.totals).toEqual(usage.totals);

    const csv = await (await adminCall(`/api/v1/admin/partners/${partner.id}/usage?format=csv`)).text();
    expect(csv).toBe(`"day","views_issue","views_latest","views_list","readers","clicks"\r\n"${today}","1","5","2","6","2"\r\n`);
    const summary = (await (await adminCall('/api/v1/admin/partners/usage')).json()) as {
      partners: { key: string; totals: { views: Record<string, number> } }[];
      unattributed: { views: Record<'issue' | 'latest' | 'list', number> };
    };
    expect(summary.partners.find((p) => p.key === key)?.totals.views).toEqual({ issue: 1, latest: 5, list: 2 });
    expect(summary.unattributed.views.latest - before.unattributed.views.latest).toBe(2);
  });

  it('refuses a range that is backwards, too long or not a date', async () => {
    const partner = await addPartner('Ranged', []);
    for (const query of ['from=2026-02-01&to=2026-01-01', 'from=2024-01-01&to=2026-01-01', 'from=2026-02-30', 'to=yesterday']) {
      expect((await adminCall(`/api/v1/admin/partners/${partner.id}/usage?${query}`)).status, query).toBe(400);
    }
  });
});
