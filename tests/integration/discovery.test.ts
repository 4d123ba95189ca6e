import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { contextFrom } from '../../src/config';
import { sitemapChild, sitemapDocument } from '../../src/services/discovery';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';

/**
 * Discovery (README, "Discovery"): the sitemap (and its index past the URL limit), robots.txt,
 * each issue as Markdown (its own address, or the page negotiated by Accept) and llms.txt.
 */
let editor: ReturnType<typeof editorClient>;
const published: { id: string; slug: string; updated_at: string }[] = [];
let draftSlug = '';

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  for (let i = 1; i <= 4; i++) {
    const created = (await (
      await editor('/api/v1/admin/issues', {
        method: 'POST',
        json: makeIssue({ title: `발견 ${i}`, tags: i % 2 ? ['AI', '클라우드'] : ['AI'] }),
      })
    ).json()) as { id: string };
    const issue = (await (await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' })).json()) as {
      id: string;
      slug: string;
      updated_at: string;
    };
    published.push(issue);
  }
  const draft = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ title: '초안' }) })).json()) as {
    slug: string;
  };
  draftSlug = draft.slug;
});

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
const urlsOf = (xml: string) =>
  ([] as { loc: string; lastmod?: string }[]).concat(parser.parse(xml).urlset?.url ?? []).map((u) => [u.loc, u.lastmod ?? null]);

describe('the sitemap', () => {
  it('lists the home page, each tag page and every published issue with its last change, and no draft', async () => {
    const response = await call('/sitemap.xml');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/xml; charset=utf-8');
    const xml = await response.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    const urls = urlsOf(xml);
    const newest = published.at(-1)!.updated_at;
    expect(urls[0]).toEqual([`${ORIGIN}/`, expect.any(String)]);
    expect(urls).toContainEqual([`${ORIGIN}/tags/ai`, newest]);
    expect(urls).toContainEqual([`${ORIGIN}/tags/${encodeURIComponent('클라우드')}`, published[2]!.updated_at]);
    for (const issue of published) expect(urls).toContainEqual([`${ORIGIN}/issues/${issue.slug}`, issue.updated_at]);
    expect(JSON.stringify(urls)).not.toContain(draftSlug);
    expect(urls).toHaveLength(1 + 2 + published.length);
  });

  it('becomes an index of child sitemaps past its URL limit, each child holding the next run of URLs', async () => {
    const context = contextFrom(env, createExecutionContext(), 'first-primary');
    const all = urlsOf(await sitemapDocument(context)).map(([loc]) => loc);
    const index = parser.parse(await sitemapDocument(context, 3)).sitemapindex.sitemap as { loc: string; lastmod: string }[];
    expect(index.map((s) => s.loc)).toEqual([`${ORIGIN}/sitemap-1.xml`, `${ORIGIN}/sitemap-2.xml`, `${ORIGIN}/sitemap-3.xml`]);
    const children = await Promise.all([1, 2, 3].map(async (n) => urlsOf(await sitemapChild(context, n, 3))));
    expect(children.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(children.flat().map(([loc]) => loc)).toEqual(all);
    // Each child's lastmod in the index is its newest URL's.
    for (const [i, child] of children.entries()) {
      expect(index[i]!.lastmod).toBe(
        child
          .map(([, t]) => t!)
          .sort()
          .at(-1),
      );
    }
    await expect(sitemapChild(context, 4, 3)).rejects.toThrow(/no sitemap 4/);
  });

  it('has no child sitemaps while it is not an index, and says where the sitemap is', async () => {
    for (const path of ['/sitemap-1.xml', '/sitemap-0.xml', '/sitemap-x.xml']) {
      const problem = (await (await call(path)).json()) as { status: number; detail: string };
      expect(problem, path).toMatchObject({ status: 404, detail: expect.stringContaining('/sitemap.xml lists them') });
    }
  });

  it('leaves out an issue whose canonical page is elsewhere, and the Markdown names that page as canonical', async () => {
    const created = (await (
      await editor('/api/v1/admin/issues', {
        method: 'POST',
        json: makeIssue({ title: '다른 곳이 원본', canonical_url: 'https://orig.example/post' }),
      })
    ).json()) as { id: string; slug: string };
    await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' });
    expect(await (await call('/sitemap.xml')).text()).not.toContain(created.slug);
    expect((await call(`/issues/${created.slug}.md`)).headers.get('Link')).toBe('<https://orig.example/post>; rel="canonical"');
  });

  it('is named in robots.txt, which keeps crawlers out of the editor API only', async () => {
    const response = await call('/robots.txt');
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(`User-agent: *\nAllow: /\nDisallow: /api/v1/admin/\n\nSitemap: ${ORIGIN}/sitemap.xml\n`);
  });
});

describe('Markdown for agents', () => {
  it('answers /issues/{slug}.md with front matter and the Markdown as written', async () => {
    const issue = published[0]!;
    const response = await call(`/issues/${issue.slug}.md`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8');
    expect(response.headers.get('Link')).toBe(`<${ORIGIN}/issues/${issue.slug}>; rel="canonical"`);
    const text = await response.text();
    const [, front, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)!;
    expect(parseYaml(front!)).toMatchObject({ title: '발견 1', url: `${ORIGIN}/issues/${issue.slug}`, tags: ['AI', '클라우드'] });
    const stored = (await (await editor(`/api/v1/admin/issues/${issue.id}`)).json()) as { body: string };
    expect(body).toBe(`${stored.body}\n`);
    expect((await call(`/issues/${draftSlug}.md`)).status).toBe(404);
  });

  it('is what the issue page answers to Accept: text/markdown, and both say they vary by Accept', async () => {
    const path = `/issues/${published[1]!.slug}`;
    for (const accept of ['text/markdown', 'text/markdown, text/html, */*']) {
      const asked = await call(path, { headers: { Accept: accept } });
      expect(asked.headers.get('Content-Type'), accept).toBe('text/markdown; charset=utf-8');
    }
    const markdown = await call(path, { headers: { Accept: 'text/markdown' } });
    expect(markdown.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8');
    expect(markdown.headers.get('Vary')).toContain('Accept');
    expect(await markdown.text()).toBe(await (await call(`${path}.md`)).text());
    for (const accept of ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', '*/*', 'text/markdown;q=0.5, text/html']) {
      const page = await call(path, { headers: { Accept: accept } });
      expect(page.headers.get('Content-Type'), accept).toBe('text/html; charset=utf-8');
      expect(page.headers.get('Vary')).toContain('Accept');
      expect(await page.text()).toContain(`<link rel="alternate" type="text/markdown" href="${ORIGIN}${path}.md"`);
    }
  });

  it('follows an edit, as every reader output does', async () => {
    const issue = published[3]!;
    expect(await (await call(`/issues/${issue.slug}.md`)).text()).toContain('title: "발견 4"');
    const current = (await (await editor(`/api/v1/admin/issues/${issue.id}`)).json()) as { version: number };
    const patched = await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': `"v${current.version}"`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ title: '발견 4, 고침' }),
    });
    expect(patched.status).toBe(200);
    expect(await (await call(`/issues/${issue.slug}.md`)).text()).toContain('title: "발견 4, 고침"');
  });

  it('lists the newsletter and its latest issues, linked to their Markdown, in /llms.txt', async () => {
    const response = await call('/llms.txt');
    expect(response.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8');
    const text = await response.text();
    expect(text.startsWith('# 엔레터\n\n> ')).toBe(true);
    expect(text).toContain('## Latest issues');
    for (const issue of published) expect(text).toContain(`](${ORIGIN}/issues/${issue.slug}.md)`);
    expect(text).not.toContain(draftSlug);
  });
});
