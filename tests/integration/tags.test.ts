import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';

/**
 * Tags keep the editor's display form ("AI", not "ai") everywhere a reader sees them, while they
 * match case-insensitively and their addresses stay the folded key (/tags/ai).
 */
let editor: ReturnType<typeof editorClient>;
let first: { id: string; slug: string; tags: string[] };

async function publish(fields: Record<string, unknown>) {
  const created = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(fields) })).json()) as {
    id: string;
    slug: string;
    tags: string[];
  };
  expect((await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' })).status).toBe(200);
  return created;
}

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  first = await publish({ title: '표기 그대로', tags: ['AI', 'Cloud Native', 'ai', 'ＧＰＵ'] });
});

describe('tags', () => {
  it('are stored as written (tidied), one per key, the first form kept', () => {
    expect(first.tags).toEqual(['AI', 'Cloud-Native', 'GPU']);
  });

  it('show their display form on pages, in the API and in feeds, at the key’s address', async () => {
    const page = await (await call(`/issues/${first.slug}`)).text();
    expect(page).toContain(`<li><a href="${ORIGIN}/tags/ai">#AI</a></li>`);
    expect(page).toContain(`<li><a href="${ORIGIN}/tags/cloud-native">#Cloud-Native</a></li>`);
    const api = (await (await call(`/api/v1/issues/${first.slug}`)).json()) as { tags: string[] };
    expect(api.tags).toEqual(['AI', 'Cloud-Native', 'GPU']);
    const tags = (await (await call('/api/v1/tags')).json()) as { tags: { name: string; url: string }[] };
    expect(tags.tags).toContainEqual({ name: 'AI', count: 1, url: `${ORIGIN}/tags/ai` });
    const archive = await (await call('/tags/ai')).text();
    expect(archive).toContain('<h1>#AI</h1>');
    const rss = new XMLParser().parse(await (await call('/tags/ai/feed.xml')).text()).rss.channel;
    expect(rss.title).toBe('엔레터 · #AI');
    expect([rss.item.category].flat()).toEqual(['AI', 'Cloud-Native', 'GPU']);
  });

  it('are refused when their key, folded to lowercase, is longer than an address may be', async () => {
    const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ tags: ['İ'.repeat(21)] }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([
      { path: '/tags/0', message: 'must be at most 40 characters once folded to lowercase' },
    ]);
  });

  it('match whatever their case: filters, addresses and the tag index', async () => {
    for (const tag of ['ai', 'AI', 'Ai']) {
      const list = (await (await call(`/api/v1/issues?tag=${tag}`)).json()) as { issues: { slug: string }[] };
      expect(
        list.issues.map((i) => i.slug),
        tag,
      ).toEqual([first.slug]);
    }
    expect((await call('/tags/AI')).status).toBe(200);
    expect(await (await call('/tags')).text()).toContain(`<a href="${ORIGIN}/tags/cloud-native">#Cloud-Native</a>`);
  });

  it('take the form of the tag’s most recently published issue', async () => {
    await publish({ title: '소문자로 쓴 이슈', tags: ['ai'] });
    const tags = (await (await call('/api/v1/tags')).json()) as { tags: { name: string; count: number }[] };
    expect(tags.tags).toContainEqual({ name: 'ai', count: 2, url: `${ORIGIN}/tags/ai` });
    // The earlier issue still shows its own form.
    expect(await (await call(`/issues/${first.slug}`)).text()).toContain('>#AI</a>');
  });
});
