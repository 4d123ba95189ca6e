import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, databaseContents, editorClient, expectProblem, mintToken } from '../helpers';
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

describe('a body past a rendering limit', () => {
  const body = `<div${' a'.repeat(12_000)}>x</div>`;
  const expectBodyLimit = async (response: Response) => {
    const problem = await expectProblem(response, 400);
    expect(problem.type).toMatch(/\/problems\/invalid-input$/);
    expect(problem.errors).toEqual([{ path: '/body', message: expect.stringMatching(/more than 64 attributes on one element/) }]);
  };

  it('is refused with 400 at /body when created as JSON, and nothing is stored', async () => {
    const before = await databaseContents();
    await expectBodyLimit(await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ body }) }));
    expect(await databaseContents()).toBe(before);
  });

  it('is refused with 400 at /body when uploaded as Markdown with front matter', async () => {
    const document = `---\ntitle: 속성이 너무 많은 이슈\n---\n${body}\n`;
    await expectBodyLimit(
      await editor('/api/v1/admin/issues', { method: 'POST', body: document, headers: { 'Content-Type': 'text/markdown' } }),
    );
  });

  it('is refused with 400 at /body when an edit brings it, and the issue keeps its version', async () => {
    const created = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() });
    const issue = (await created.json()) as { id: string; version: number };
    const etag = created.headers.get('ETag')!;
    const patch = { body: `${'> '.repeat(200)}x` };
    const response = await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      json: patch,
      headers: { 'If-Match': etag, 'Content-Type': 'application/merge-patch+json' },
    });
    const problem = await expectProblem(response, 400);
    expect(problem.errors).toEqual([{ path: '/body', message: expect.stringMatching(/more than 64 levels deep/) }]);
    const after = (await (await editor(`/api/v1/admin/issues/${issue.id}`)).json()) as { version: number };
    expect(after.version).toBe(issue.version);
  });
});
