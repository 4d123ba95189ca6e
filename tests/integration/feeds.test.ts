import { env } from 'cloudflare:workers';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { CACHE_POLICY } from '../../src/http/cache-policy';
import { FEED_SIZE } from '../../src/render/feed-model';
import { findIssueById, writeIssue } from '../../src/storage/issues';
import { SIXTY, sixtyIssueInput } from '../fixtures/sixty-issues';
import { call, callModule, editorClient, expectProblem, mintToken, ORIGIN } from '../helpers';
import { pushedSeed } from '../support/seed-media';

let editor: ReturnType<typeof editorClient>;
const ids: string[] = [];
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', cdataPropName: '#cdata' });

async function publishNew(input: Record<string, unknown>, contentType = 'application/json') {
  const body = typeof input === 'string' ? input : JSON.stringify(input);
  const created = (await (
    await editor('/api/v1/admin/issues', { method: 'POST', body, headers: { 'Content-Type': contentType } })
  ).json()) as { id: string };
  const response = await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' });
  expect(response.status).toBe(200);
  ids.push(created.id);
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  await publishNew((await pushedSeed(editor)) as unknown as Record<string, unknown>, 'text/markdown');
  for (let i = 1; i <= SIXTY; i++) await publishNew(sixtyIssueInput(i));
  // A body with a control character, as older data might hold: the API refuses one, so it is
  // written to storage directly, to show that feeds still come out as well-formed XML.
  const issue = (await findIssueById(env.DB, ids.at(-1)!, ORIGIN))!;
  await writeIssue(
    env.DB,
    { ...issue, html: `${issue.html}<p>bell\u0007 here</p>`, version: issue.version + 1 },
    { base: ORIGIN, action: 'update', author: 'test', expectedVersion: issue.version },
  );
  await editor('/api/v1/admin/issues', { method: 'POST', json: { title: '초안은 피드에 없다', body: 'draft', tags: ['ai'] } });
});

const FEEDS = [
  ['/feed.xml', 'application/rss+xml; charset=utf-8'],
  ['/atom.xml', 'application/atom+xml; charset=utf-8'],
  ['/feed.json', 'application/feed+json; charset=utf-8'],
  ['/tags/ai/feed.xml', 'application/rss+xml; charset=utf-8'],
  ['/tags/ai/atom.xml', 'application/atom+xml; charset=utf-8'],
  ['/tags/ai/feed.json', 'application/feed+json; charset=utf-8'],
] as const;

describe('every feed', () => {
  it.each(FEEDS)('%s is well-formed, typed %s, and holds no forbidden XML characters', async (path, type) => {
    const response = await call(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(type);
    const text = await response.text();
    expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    if (path.endsWith('.json')) expect(() => JSON.parse(text)).not.toThrow();
    else expect(XMLValidator.validate(text)).toBe(true);
    expect(text).not.toContain('초안은 피드에 없다');
  });

  it.each(FEEDS)('%s answers 304 to its ETag and to its Last-Modified, and keeps the 304 headers', async (path) => {
    const first = await call(path);
    const etag = first.headers.get('ETag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await call(path, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    // RFC 9110 §15.4.5: a 304 carries the validators and caching headers the 200 would have.
    for (const header of ['ETag', 'Cache-Control', 'Last-Modified']) expect(again.headers.get(header)).toBe(first.headers.get(header));
    expect(again.headers.get('Content-Type')).toBeNull();
    expect((await call(path, { headers: { 'If-Modified-Since': first.headers.get('Last-Modified')! } })).status).toBe(304);
    expect(
      (await call(path, { headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': first.headers.get('Last-Modified')! } })).status,
    ).toBe(200);
    expect(first.headers.get('Cache-Control')).toBe(CACHE_POLICY.feed);
  });

  it.each(FEEDS)('%s renders the same bytes twice from D1 (a stable ETag)', async (path) => {
    // Each render under another deployment version: a cache miss both times, so the renderer
    // itself must be deterministic (a cache hit would hide a feed that changes from render to render).
    const render = async () => {
      const response = await callModule(path, {}, {
        CF_VERSION_METADATA: { id: crypto.randomUUID(), tag: '', timestamp: '' },
      } as Partial<Env>);
      expect(response.headers.get('Masthead-Cache')).toBe('miss');
      return response.text();
    };
    expect(await render()).toBe(await render());
  });
});

describe('RSS 2.0', () => {
  it('has RFC 822 dates, stable guids, summary and full content, self link and language', async () => {
    const text = await (await call('/feed.xml')).text();
    const channel = xml.parse(text).rss.channel;
    expect(channel.language).toBe('ko');
    expect(channel['atom:link']).toContainEqual({ '@href': `${ORIGIN}/feed.xml`, '@rel': 'self', '@type': 'application/rss+xml' });
    expect(channel.item).toHaveLength(FEED_SIZE);
    for (const item of channel.item) {
      expect(item.pubDate).toMatch(
        /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
      );
      expect(new Date(item.pubDate).toUTCString()).toBe(item.pubDate);
      expect(item.guid['@isPermaLink']).toBe('false');
      expect(item.guid['#text']).toMatch(/^tag:enletter\.masthead\.dev,2026:issue:[0-9a-f-]{36}$/);
      expect(item['content:encoded']['#cdata']).toMatch(/^<h2>/);
      expect(item['dc:creator']).toBeTruthy();
      expect(item.author).toBeUndefined();
    }
  });

  it('makes every link inside the content absolute', async () => {
    const text = await (await call('/feed.xml')).text();
    expect(text).toContain(`href="${ORIGIN}/issues/fixture-60"`);
    expect(text).toContain(`href="${ORIGIN}/tags/ai"`);
    expect(text).toContain(`src="${ORIGIN}/images/60.png"`);
    expect(text).toContain('href="#top"');
    expect(text).not.toMatch(/(?:href|src)="\//);
  });
});

describe('Atom 1.0', () => {
  it('has tag: ids, updated, authors, plain-text titles, and the alternate link before self', async () => {
    const text = await (await call('/atom.xml')).text();
    const feed = xml.parse(text).feed;
    expect(feed.id).toBe('tag:enletter.masthead.dev,2026:feed');
    expect(feed.author.name).toBe('엔레터');
    const rels = feed.link.map((l: Record<string, string>) => l['@rel']);
    expect(rels.indexOf('alternate')).toBeLessThan(rels.indexOf('self'));
    const entry = feed.entry[0];
    expect(entry.title['@type']).toBe('text');
    expect(entry.title['#cdata']).toBe('엔레터 60호: 클라우드 & AI <요약>');
    expect([entry.category].flat().map((c: Record<string, string>) => c['@term'])).toContain('ai');
    expect(Date.parse(entry.updated)).not.toBeNaN();
  });

  it('keeps an entry id when the slug changes', async () => {
    const id = ids[30]!;
    const before = await (await call('/tags/infra/atom.xml')).text();
    const current = (await (await editor(`/api/v1/admin/issues/${id}`)).json()) as { version: number };
    await editor(`/api/v1/admin/issues/${id}`, {
      method: 'PATCH',
      headers: { 'If-Match': `"v${current.version}"`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ slug: 'renamed-fixture' }),
    });
    const after = await (await call('/tags/infra/atom.xml')).text();
    expect(before).toContain(`issue:${id}`);
    expect(after).toContain(`<id>tag:enletter.masthead.dev,2026:issue:${id}</id>`);
    expect(after).toContain('renamed-fixture');
  });
});

describe('JSON Feed 1.1', () => {
  it('has version, feed_url, home_page_url, stable ids, content_html, authors and RFC 3339 dates', async () => {
    const feed = (await (await call('/feed.json')).json()) as Record<string, any>;
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      feed_url: `${ORIGIN}/feed.json`,
      home_page_url: `${ORIGIN}/`,
      language: 'ko',
      authors: [{ name: '엔레터' }],
    });
    expect(feed.items).toHaveLength(FEED_SIZE);
    for (const item of feed.items) {
      expect(item.id).toMatch(/^tag:/);
      expect(item.content_html).toMatch(/^<h2>/);
      expect(item.authors[0].name).toMatch(/\S/);
      expect(item).not.toHaveProperty('author');
      expect(item.date_published).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });
});

describe('Korean text', () => {
  it('comes through byte for byte', async () => {
    const feed = (await (await call('/feed.json?archive=1')).json()) as { items: { title: string; content_html: string }[] };
    const seedItem = feed.items.find((item) => item.title === 'OpenAI가 Google Cloud와 손을 잡았습니다')!;
    expect(seedItem.content_html).toContain('피드백을 남겨주세요! 여러분의 피드백은 큰 도움이 됩니다😃');
  });
});

describe('RFC 5005 archives', () => {
  it('links the subscription feed to archive pages that hold the whole back catalogue once', async () => {
    const seen = new Set<string>();
    let url: string | null = `${ORIGIN}/feed.json`;
    let documents = 0;
    while (url !== null) {
      const feed = (await (await call(url)).json()) as { items: { id: string }[]; next_url?: string };
      for (const item of feed.items) seen.add(item.id);
      url = feed.next_url ?? null;
      documents += 1;
    }
    expect(seen.size).toBe(SIXTY + 1);
    expect(documents).toBe(1 + Math.floor((SIXTY + 1) / FEED_SIZE));
  });

  it('marks archive pages with fh:archive, current and prev/next links, and a long cache lifetime', async () => {
    const response = await call('/atom.xml?archive=2');
    expect(response.headers.get('Cache-Control')).toBe(CACHE_POLICY.feedArchive);
    const text = await response.text();
    expect(text).toContain('<fh:archive/>');
    expect(text).toContain(`<link rel="current" type="application/atom+xml" href="${ORIGIN}/atom.xml"/>`);
    expect(text).toContain(`<link rel="prev-archive" type="application/atom+xml" href="${ORIGIN}/atom.xml?archive=1"/>`);
    expect(text).toContain(`<link rel="next-archive" type="application/atom+xml" href="${ORIGIN}/atom.xml?archive=3"/>`);
    const rss = await (await call('/feed.xml')).text();
    expect(rss).toContain(`<atom:link rel="prev-archive" href="${ORIGIN}/feed.xml?archive=3" type="application/rss+xml"/>`);
    expect(rss).not.toContain('fh:archive/>');
  });

  it('answers 404 to an archive page that does not exist, and 400 to one that cannot', async () => {
    await expectProblem(await call('/feed.xml?archive=4'), 404);
    await expectProblem(await call('/feed.xml?archive=0'), 400);
    await expectProblem(await call('/feed.xml?archive=x'), 400);
  });
});

describe('per-tag feeds', () => {
  it('hold only the issues of the tag, in any spelling of it', async () => {
    const feed = (await (await call(`/tags/${encodeURIComponent('클라우드')}/feed.json`)).json()) as {
      items: { tags: string[] }[];
      feed_url: string;
    };
    expect(feed.items.length).toBeGreaterThan(1);
    for (const item of feed.items) expect(item.tags).toContain('클라우드');
    expect(feed.feed_url).toBe(`${ORIGIN}/tags/${encodeURIComponent('클라우드')}/feed.json`);
    expect((await call('/tags/AI/feed.xml')).status).toBe(200);
  });

  it('answers 404 problem+json for an unknown tag', async () => {
    await expectProblem(await call('/tags/no-such-tag/feed.xml'), 404);
    await expectProblem(await call('/tags/%ZZ/atom.xml'), 404);
  });

  it('drop an unpublished issue on the next fetch', async () => {
    const issue = await publishNew({ title: '잠깐 공개', body: 'x', tags: ['ephemeral'] });
    expect((await call('/tags/ephemeral/feed.json')).status).toBe(200);
    const before = await (await call('/feed.json')).text();
    expect(before).toContain('잠깐 공개');
    await editor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' });
    expect(await (await call('/feed.json')).text()).not.toContain('잠깐 공개');
    await expectProblem(await call('/tags/ephemeral/feed.json'), 404);
  });
});
