import { env } from 'cloudflare:workers';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BOUND_MS } from '../../src/domain/freshness';
import { forgetIsolateCache, ISOLATE_MAX_BYTES, isolateCacheBytes } from '../../src/services/render-cache';
import { makeIssue } from '../fixtures/issues';
import { callModule, mintToken } from '../helpers';
import { countingD1, type QueryLog, silentD1, throwingD1 } from '../support/d1-doubles';

/**
 * These tests call the Worker module directly (not through the loopback), so they can hand it a
 * D1 that counts, fails or never answers, and share its isolate cache with it.
 */
let token: string;

const fetchWith = (path: string, init: RequestInit = {}, db: D1Database = env.DB) => callModule(path, init, { DB: db });

const asEditor = (path: string, init: RequestInit & { json?: unknown } = {}, db?: D1Database) =>
  fetchWith(
    path,
    {
      ...init,
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
    },
    db,
  );

async function publish(overrides = {}) {
  const created = (await (await asEditor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(overrides) })).json()) as {
    id: string;
    slug: string;
  };
  await asEditor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' });
  return created;
}

const READER_PATHS = ['/', '/feed.xml', '/atom.xml', '/feed.json', '/api/v1/issues', '/api/v1/tags', '/tags/test', '/tags/test/feed.json'];

beforeAll(async () => {
  token = await mintToken('admin');
  for (let i = 0; i < 3; i++) await publish();
});

beforeEach(() => forgetIsolateCache());

describe('the read path', () => {
  it.each(READER_PATHS)('%s: a cache hit runs no D1 query and answers 304 from the cache', async (path) => {
    const first = await fetchWith(path);
    expect(first.status).toBe(200);
    expect(first.headers.get('Masthead-Cache')).toBe('miss');
    const log: QueryLog[] = [];
    const second = await fetchWith(path, {}, countingD1(env.DB, log));
    expect(second.headers.get('Masthead-Cache')).toBe('hit-isolate');
    expect(await second.text()).toBe(await first.text());
    const revalidated = await fetchWith(path, { headers: { 'If-None-Match': first.headers.get('ETag')! } }, countingD1(env.DB, log));
    expect(revalidated.status).toBe(304);
    expect(log).toEqual([]);
  });

  it("serves from the location's cache, still without D1, when the isolate has forgotten", async () => {
    await fetchWith('/feed.xml');
    forgetIsolateCache();
    const log: QueryLog[] = [];
    const response = await fetchWith('/feed.xml', {}, countingD1(env.DB, log));
    expect(response.headers.get('Masthead-Cache')).toBe('hit-edge');
    // One query: the content version, from the primary (a new isolate knows none); no render.
    expect(log.map((q) => q.sql)).toEqual([expect.stringContaining('site_state')]);
  });

  it('shows a publish at once, and never serves the older output after it', async () => {
    const before = await (await fetchWith('/feed.json')).text();
    const issue = await publish({ title: '방금 발행된 이슈' });
    const after = await fetchWith('/feed.json');
    expect(after.headers.get('Masthead-Cache')).toBe('miss');
    const text = await after.text();
    expect(before).not.toContain('방금 발행된 이슈');
    expect(text).toContain('방금 발행된 이슈');
    await asEditor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' });
    expect(await (await fetchWith('/feed.json')).text()).not.toContain('방금 발행된 이슈');
  });

  it('keeps its outputs when only drafts change', async () => {
    await fetchWith('/api/v1/issues');
    await asEditor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() });
    expect((await fetchWith('/api/v1/issues')).headers.get('Masthead-Cache')).toBe('hit-isolate');
  });
});

describe('the isolate cache', () => {
  it('is bounded by bytes, not by count: the least recently used outputs go first', async () => {
    const big = (i: number) => `## 큰 이슈 ${i}\n\n${'가나다라마바사 '.repeat(18_000)}`; // about 380 KB of HTML
    const slugs: string[] = [];
    for (let i = 0; i < 24; i++) slugs.push((await publish({ body: big(i) })).slug);
    for (const slug of slugs) expect((await fetchWith(`/issues/${encodeURIComponent(slug)}`)).status).toBe(200);
    expect(isolateCacheBytes()).toBeLessThanOrEqual(ISOLATE_MAX_BYTES);
    expect(isolateCacheBytes()).toBeGreaterThan(ISOLATE_MAX_BYTES / 2);
    expect((await fetchWith(`/issues/${encodeURIComponent(slugs.at(-1)!)}`)).headers.get('Masthead-Cache')).toBe('hit-isolate');
    expect((await fetchWith(`/issues/${encodeURIComponent(slugs[0]!)}`)).headers.get('Masthead-Cache')).toBe('hit-edge');
  }, 60_000);
});

describe('when D1 fails', () => {
  it.each([
    ['throws', throwingD1],
    ['never answers', silentD1],
  ])(
    'readers get what is cached for the newest version this isolate knows when D1 %s (stale-if-error)',
    async (_name, broken) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        await fetchWith('/api/v1/issues');
        vi.setSystemTime(Date.now() + BOUND_MS + 1); // the version must be asked for again, and cannot be
        const response = await fetchWith('/api/v1/issues', {}, broken());
        expect(response.status).toBe(200);
        expect(response.headers.get('Masthead-Cache')).toBe('stale-if-error');
      } finally {
        vi.useRealTimers();
      }
    },
    15_000,
  );

  it('after a change, an output not yet rendered for the new version answers 503 rather than the older one', async () => {
    await fetchWith('/api/v1/issues');
    await publish(); // moves the version on: what was cached belongs to the older one
    const response = await fetchWith('/api/v1/issues', {}, throwingD1());
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
  });

  it('editors get 503 with Retry-After, and nothing is written', async () => {
    const before = ((await (await asEditor('/api/v1/admin/issues?limit=100')).json()) as { issues: unknown[] }).issues.length;
    const response = await asEditor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() }, throwingD1());
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(response.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8');
    const after = ((await (await asEditor('/api/v1/admin/issues?limit=100')).json()) as { issues: unknown[] }).issues.length;
    expect(after).toBe(before);
  });

  it('a reader address never rendered before answers 503', async () => {
    const response = await fetchWith('/tags/never-seen/feed.xml', {}, throwingD1());
    expect(response.status).toBe(503);
  });
});

describe('D1 sessions', () => {
  /** The real D1, recording where each session the Worker opens starts. */
  function recordingSessions(db: D1Database, starts: (string | undefined)[]): D1Database {
    return new Proxy(db, {
      get(target, name) {
        if (name === 'withSession') return (start?: string) => (starts.push(start), target.withSession(start));
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  it('give editors a bookmark, and a request that sends it back reads from a session that starts there', async () => {
    const created = await asEditor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() });
    const bookmark = created.headers.get('Masthead-Bookmark');
    expect(bookmark).toMatch(/^[0-9a-f-]+$/);
    const { id } = (await created.json()) as { id: string };
    const withBookmark: (string | undefined)[] = [];
    const read = await asEditor(
      `/api/v1/admin/issues/${id}`,
      { headers: { 'Masthead-Bookmark': bookmark! } },
      recordingSessions(env.DB, withBookmark),
    );
    expect(read.status).toBe(200);
    expect(withBookmark[0]).toBe(bookmark);
    // Without one, an editor reads from the primary; a reader from any replica.
    const without: (string | undefined)[] = [];
    await asEditor(`/api/v1/admin/issues/${id}`, {}, recordingSessions(env.DB, without));
    expect(without[0]).toBe('first-primary');
    const reader: (string | undefined)[] = [];
    await fetchWith('/api/v1/tags', {}, recordingSessions(env.DB, reader));
    expect(reader[0]).toBe('first-unconstrained');
  });
});

describe('query cost', () => {
  it('reads about one page of rows for a page of a list, a tag or a feed, however many issues there are', async () => {
    for (let i = 0; i < 200; i++) await publish({ tags: ['cost'] });
    for (const path of ['/api/v1/issues?limit=10', '/api/v1/issues?tag=cost&limit=10', '/feed.json', '/tags/cost/feed.json', '/']) {
      forgetIsolateCache();
      await publish(); // a new generation, so this read renders
      const log: QueryLog[] = [];
      await fetchWith(path, {}, countingD1(env.DB, log));
      const listing = log.filter((q) => /ORDER BY published_at DESC/.test(q.sql));
      expect(listing.length).toBeGreaterThan(0);
      // A page is 10 or 20 rows (+1 to know there is more): through the indexes that costs a few rows
      // read per row shown (index entry, table row), never a pass over the 200+ issues.
      for (const query of listing) expect(query.rowsRead, `${path}: ${query.sql}`).toBeLessThanOrEqual(100);
    }
  }, 60_000);
});
