import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, expectProblem, mintToken, ORIGIN } from '../helpers';

/**
 * The reader's search page (`/search?q=`) and the tag index (`/tags`): server-rendered, the
 * archive's look, matches marked and escaped, paging by cursor, a search box on every page.
 */
let editor: ReturnType<typeof editorClient>;

async function publish(fields: Record<string, unknown>): Promise<{ slug: string }> {
  const created = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(fields) })).json()) as {
    id: string;
    slug: string;
  };
  expect((await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' })).status).toBe(200);
  return created;
}

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  await publish({
    title: '클라우드 인프라의 새 시대',
    summary: ['GPU를 누가 먼저 확보하나'],
    body: `${'앞선 이야기. '.repeat(40)}결국 중요한 건 클라우드 인프라 전략입니다. ${'뒤따르는 이야기. '.repeat(40)}`,
    tags: ['클라우드', 'AI'],
  });
  await publish({ title: 'AI와 <b>태그</b> & "따옴표"', summary: ['<script>alert(1)</script> AI 요점'], body: 'AI 본문', tags: ['AI'] });
  for (let i = 1; i <= 12; i++) await publish({ title: `페이지 검색 ${i}`, body: `반복되는 낱말 쪽배 ${i}`, tags: ['paging'] });
  await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ title: '초안 쪽배 클라우드' }) });
});

const page = async (path: string) => {
  const response = await call(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
  return response.text();
};

describe('the search page', () => {
  it('finds Korean text in title, summary and body, and marks every match, with an excerpt around the first in the body', async () => {
    const body = await page(`/search?q=${encodeURIComponent('클라우드 인프라')}`);
    expect(body).toContain('<a href="http://127.0.0.1:8787/issues/');
    expect(body).toContain('<mark>클라우드</mark> <mark>인프라</mark>의 새 시대');
    // The excerpt is the part of the body around the match, not its start.
    const excerpt = /<p class="excerpt">(.*?)<\/p>/s.exec(body)![1]!;
    expect(excerpt).toContain('결국 중요한 건 <mark>클라우드</mark> <mark>인프라</mark> 전략입니다.');
    expect(excerpt.startsWith('…')).toBe(true);
    expect(body).not.toContain('초안');
    expect(body).toContain('<meta name="robots" content="noindex">');
    // The words searched for stay in the box.
    expect(body).toContain('value="클라우드 인프라"');
  });

  it('finds short terms (AI) and marks them case-insensitively, escaping everything around the marks', async () => {
    const body = await page('/search?q=ai');
    expect(body).toContain('<mark>AI</mark>와 &#60;b&#62;태그&#60;/b&#62; &#38; &#34;따옴표&#34;');
    expect(body).toContain('<li>&#60;script&#62;alert(1)&#60;/script&#62; <mark>AI</mark> 요점</li>');
    expect(body).not.toContain('<script>alert');
  });

  it('escapes what was searched for wherever it is shown', async () => {
    const q = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const body = await page(`/search?q=${encodeURIComponent(q)}`);
    expect(body).not.toMatch(/<script>alert|<img src=x/);
    expect(body).toContain('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(2)&#62;"');
    expect(body).toContain('찾는 이슈가 없습니다.');
  });

  it('pages 10 results at a time by cursor, without repeats', async () => {
    const first = await page(`/search?q=${encodeURIComponent('쪽배')}`);
    const titles = (html: string) => [...html.matchAll(/<h2><a href="[^"]*">(.*?)<\/a><\/h2>/g)].map((m) => m[1]);
    expect(titles(first)).toHaveLength(10);
    const next = /<a href="([^"]*)" rel="next">/.exec(first)![1]!.replaceAll('&#38;', '&');
    expect(next.startsWith(`${ORIGIN}/search?q=%EC%AA%BD%EB%B0%B0&cursor=`)).toBe(true);
    const second = await page(next.replace(ORIGIN, ''));
    expect(titles(second)).toHaveLength(2);
    expect(new Set([...titles(first), ...titles(second)]).size).toBe(12);
    expect(second).not.toContain('rel="next"');
  });

  it('shows the form alone without words, and takes what a reader pastes: the first 8 terms, controls as spaces', async () => {
    const empty = await page('/search');
    expect(empty).toContain('<form class="search-big"');
    expect(empty).not.toContain('<p class="excerpt">');
    // Nine terms: the ninth, found nowhere, is left out, so the first eight find the issue.
    const many = await page(`/search?q=${encodeURIComponent(`${'클라우드 인프라 '.repeat(4)}어디에도없는낱말`)}`);
    expect(many).toContain('<mark>클라우드</mark> <mark>인프라</mark>의 새 시대');
    const pasted = await page(`/search?q=${encodeURIComponent('클라우드\t인프라\n')}`);
    expect(pasted).toContain('<mark>클라우드</mark> <mark>인프라</mark>의 새 시대');
    // A bad cursor is still refused.
    await expectProblem(await call('/search?q=x&cursor=made-up'), 400);
  });

  it('is reachable from every page: a search box and the tag index in the header', async () => {
    for (const path of ['/', '/tags/ai', '/tags', '/search?q=x']) {
      const body = await page(path);
      expect(body, path).toContain(`<form class="search" action="${ORIGIN}/search" method="get" role="search">`);
      expect(body, path).toContain(`<a class="tags-link" href="${ORIGIN}/tags">`);
    }
  });
});

describe('the tag index', () => {
  it('lists every tag with its count of published issues, most used first', async () => {
    const body = await page('/tags');
    const tags = [...body.matchAll(/<li><a href="[^"]*\/tags\/([^"]*)">#([^<]*)<\/a> <span class="count">(\d+)<\/span><\/li>/g)].map(
      (m) => [m[2], Number(m[3])],
    );
    expect(tags.slice(0, 2)).toEqual([
      ['paging', 12],
      ['AI', 2],
    ]);
    expect(tags).toContainEqual(['클라우드', 1]);
  });
});
