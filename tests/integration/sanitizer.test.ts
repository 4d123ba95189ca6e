import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken } from '../helpers';
import { violations, violationsInPage } from '../support/html-oracle';

let editor: ReturnType<typeof editorClient>;

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
});

/** Script and data URLs whose colon, or any letter, is a character reference, as a contributor may send them. */
const DISGUISED_URLS = [
  '<a href="javascript&colon;alert(1)">colon</a>',
  '<a href="javascript&#58;alert(1)">decimal</a>',
  '<a href="javascript&#x3a;alert(1)">hex</a>',
  '<a href="javascript&#0000058alert(1)">padded, no semicolon</a>',
  '<a href="JAVASCRIPT&#X3A;alert(1)">upper case</a>',
  '<a href="jav&Tab;ascript&colon;alert(1)">tab</a>',
  '<a href="data&colon;text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
  '<img src="data&colon;image/svg+xml,&lt;svg onload=alert(1)&gt;" alt="svg">',
  '<blockquote cite="vbscript&#58;msgbox(1)">cite</blockquote>',
];

async function publishedWith(body: string) {
  const created = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ body }) });
  expect(created.status).toBe(201);
  const issue = (await created.json()) as { id: string; slug: string };
  expect((await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' })).status).toBe(200);
  return issue;
}

describe('a body with disguised script URLs', () => {
  it('is served without them on the issue page and in the public JSON API', async () => {
    const { slug } = await publishedWith(DISGUISED_URLS.join('\n\n'));
    const page = await call(`/issues/${slug}`);
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(violationsInPage(pageHtml, 'body')).toEqual([]);
    expect(pageHtml).toContain('padded, no semicolon');

    const api = await call(`/api/v1/issues/${slug}`);
    expect(api.status).toBe(200);
    const { html } = (await api.json()) as { html: string };
    expect(violations(html)).toEqual([]);
    expect(html).toContain('<a>colon</a>');
  });

  it('keeps a safe URL written with character references, decoded', async () => {
    const { slug } = await publishedWith('<a href="https&colon;//example.com/?a=1&amp;b=2">safe</a>');
    const { html } = (await (await call(`/api/v1/issues/${slug}`)).json()) as { html: string };
    expect(html).toContain('<a href="https://example.com/?a=1&amp;b=2">safe</a>');
  });
});
