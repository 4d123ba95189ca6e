import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetIsolateCache } from '../../src/services/render-cache';
import { makeIssue } from '../fixtures/issues';
import { callModule, editorClient, mintToken, ORIGIN } from '../helpers';

/**
 * Anonymous readers cannot make the cache grow without bound: one logical request has one cache
 * key however it is spelled, cursors are ones this site gave out, oEmbed sizes fall into a few
 * steps, and searches stay out of the location's cache. The Cache API is the real one, watched
 * for writes.
 */

let puts: string[] = [];
beforeAll(() => {
  const put = caches.default.put.bind(caches.default);
  vi.spyOn(caches.default, 'put').mockImplementation((request, response) => {
    puts.push(typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
    return put(request, response);
  });
});
const read = (path: string) => callModule(path);

let slug: string;
const tag = `키${crypto.randomUUID().slice(0, 4)}`;

beforeAll(async () => {
  const editor = editorClient(await mintToken('editor'));
  for (let i = 0; i < 25; i++) {
    const { id, slug: created } = (await (
      await editor('/api/v1/admin/issues', {
        method: 'POST',
        json: makeIssue({ slug: `캐시-키-${i}-${crypto.randomUUID().slice(0, 4)}`, tags: [tag] }),
      })
    ).json()) as { id: string; slug: string };
    await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
    slug = created;
  }
});

beforeEach(() => {
  forgetIsolateCache();
  puts = [];
});

/** The first request stores; every other spelling of it must find what the first stored. */
async function expectOneKey(spellings: string[]) {
  const first = await read(spellings[0]!);
  expect(first.status, spellings[0]).toBe(200);
  const stored = puts.length;
  expect(stored, puts.join()).toBeGreaterThan(0);
  for (const spelling of spellings.slice(1)) {
    forgetIsolateCache();
    const response = await read(spelling);
    expect(response.status, spelling).toBe(200);
    expect(response.headers.get('Masthead-Cache'), `${spelling} after ${puts.join(', ')}`).toBe('hit-edge');
  }
  expect(puts.length).toBe(stored);
}

describe('one logical request, one cache key', () => {
  it('an issue page and its embed, whatever the percent-encoding of the slug', async () => {
    const upper = encodeURIComponent(slug);
    const lower = upper.replace(/%[0-9A-F]{2}/g, (s) => s.toLowerCase());
    await expectOneKey([`/issues/${upper}`, `/issues/${lower}`]);
    await expectOneKey([`/embed/${upper}?view=card`, `/embed/${lower}?view=card`, `/embed/${upper}?theme=auto&view=card`]);
    await expectOneKey([`/api/v1/issues/${upper}`, `/api/v1/issues/${lower}`]);
  });

  it('a tag that no issue has answers without a shared cache entry', async () => {
    for (const tag of ['none-zz1', 'none-zz2', 'none-zz3']) {
      const response = await read(`/api/v1/issues?tag=${tag}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { issues: unknown[] }).issues).toEqual([]);
    }
    expect(puts).toEqual([]);
  });

  it('a Latin tag, whatever its case', async () => {
    const latin = `Case${crypto.randomUUID().slice(0, 4)}`;
    const editor = editorClient(await mintToken('editor'));
    const { id } = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ tags: [latin] }) })).json()) as {
      id: string;
    };
    await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
    puts = [];
    forgetIsolateCache();
    await expectOneKey([`/tags/${latin.toLowerCase()}/feed.xml`, `/tags/${latin.toUpperCase()}/feed.xml`, `/tags/${latin}/feed.xml`]);
    await expectOneKey([`/api/v1/issues?tag=${latin.toLowerCase()}`, `/api/v1/issues?tag=${latin.toUpperCase()}`]);
  });

  it('a tag feed and archive, whatever the case and encoding of the tag', async () => {
    const encoded = encodeURIComponent(tag);
    await expectOneKey([`/tags/${encoded}/feed.xml`, `/tags/${encoded.toLowerCase()}/feed.xml`]);
    await expectOneKey([`/tags/${encoded}`, `/tags/${encoded.toLowerCase()}`]);
    await expectOneKey([`/api/v1/issues?tag=${encoded}`, `/api/v1/issues?tag=${encoded.toLowerCase()}&limit=20`]);
  });

  it('oEmbed: maxwidth and maxheight fall into a few buckets, each within what was asked', async () => {
    const url = encodeURIComponent(`${ORIGIN}/issues/${encodeURIComponent(slug)}`);
    await expectOneKey([
      `/oembed?url=${url}&maxwidth=451&maxheight=701`,
      `/oembed?url=${url}&maxwidth=452&maxheight=799`,
      `/oembed?maxheight=750&url=${url}&maxwidth=499`,
    ]);
    const widths = new Set<number>();
    const heights = new Set<number>();
    for (let max = 1; max <= 2000; max += 7) {
      const response = await read(`/oembed?url=${url}&maxwidth=${max}&maxheight=${max}`);
      const { width, height } = (await response.json()) as { width: number; height: number };
      if (max >= 50) expect(width).toBeLessThanOrEqual(max);
      if (max >= 100) expect(height).toBeLessThanOrEqual(max);
      widths.add(width);
      heights.add(height);
    }
    expect(widths.size).toBeLessThanOrEqual(12);
    expect(heights.size).toBeLessThanOrEqual(8);
  });
});

describe('cursors are ones this site gave out', () => {
  const forge = (at: string, id: string) =>
    btoa(JSON.stringify([at, id]))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '');

  it('a cursor from next_cursor or an "older" link works', async () => {
    const page = (await (await read('/api/v1/issues?limit=5')).json()) as { issues: { id: string }[]; next_cursor: string };
    const next = (await (await read(`/api/v1/issues?limit=5&cursor=${page.next_cursor}`)).json()) as { issues: { id: string }[] };
    expect(next.issues).toHaveLength(5);
    expect(next.issues[0]!.id).not.toBe(page.issues[0]!.id);
    const home = await (await read('/')).text();
    const older = /href="([^"]*\?cursor=[^"]+)"/.exec(home)![1]!.replaceAll('&amp;', '&');
    expect((await read(new URL(older).pathname + new URL(older).search)).status).toBe(200);
  });

  it.each([
    ['a forged position', () => forge('2026-01-01T00:00:00.000Z', crypto.randomUUID())],
    ['a forged position in the far past', () => forge('1970-01-01T00:00:00.001Z', 'x')],
    [
      'a real cursor with its position changed',
      async () => {
        const { next_cursor } = (await (await read('/api/v1/issues?limit=3')).json()) as { next_cursor: string };
        const [payload, mac] = next_cursor.split('.');
        const [at, id] = JSON.parse(atob(payload!.replaceAll('-', '+').replaceAll('_', '/'))) as [string, string];
        return `${forge(new Date(Date.parse(at) - 1).toISOString(), id)}.${mac}`;
      },
    ],
  ])('%s is refused with 400 and stores nothing', async (_, make) => {
    const cursor = await make();
    puts = [];
    for (const path of [
      `/api/v1/issues?cursor=${cursor}`,
      `/?cursor=${cursor}`,
      `/tags/${encodeURIComponent(tag)}?cursor=${cursor}`,
      `/api/v1/issues?q=${encodeURIComponent('클라우드')}&cursor=${cursor}`,
    ]) {
      expect((await read(path)).status, path).toBe(400);
    }
    expect(puts).toEqual([]);
  });
});

describe('searches stay out of the shared cache', () => {
  it("a search answers from D1 and writes nothing to the location's cache, however many distinct ones are sent", async () => {
    for (const q of ['클라우드', '인프라', '본문', 'zzz-no-match', 'AI']) {
      const response = await read(`/api/v1/issues?q=${encodeURIComponent(q)}`);
      expect(response.status).toBe(200);
    }
    expect(puts).toEqual([]);
  });
});

describe('a cursor pages what made it', () => {
  it('a list cursor passed to a search, and a search cursor passed to a list, are each a 400', async () => {
    const list = (await (await read('/api/v1/issues?limit=2')).json()) as { next_cursor: string };
    const search = (await (await read(`/api/v1/issues?limit=2&q=${encodeURIComponent('본문')}`)).json()) as { next_cursor: string };
    expect(list.next_cursor).not.toBeNull();
    expect(search.next_cursor).not.toBeNull();
    expect((await read(`/api/v1/issues?limit=2&q=${encodeURIComponent('본문')}&cursor=${list.next_cursor}`)).status).toBe(400);
    expect((await read(`/api/v1/issues?limit=2&cursor=${search.next_cursor}`)).status).toBe(400);
    expect((await read(`/?cursor=${search.next_cursor}`)).status).toBe(400);
    expect((await read(`/api/v1/issues?limit=2&q=${encodeURIComponent('본문')}&cursor=${search.next_cursor}`)).status).toBe(200);
  });
});
