import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, expectProblem, mintToken } from '../helpers';
import { pushedSeed } from '../support/seed-media';

let editor: ReturnType<typeof editorClient>;
let seedIssue: Record<string, any>;

async function publishNew(input: Record<string, unknown>) {
  const created = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: input })).json()) as Record<string, any>;
  await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' });
  return created;
}

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  const seed = await pushedSeed(editor);
  const response = await editor('/api/v1/admin/issues', { method: 'POST', body: seed, headers: { 'Content-Type': 'text/markdown' } });
  expect(response.status).toBe(201);
  seedIssue = (await response.json()) as Record<string, any>;
  await editor(`/api/v1/admin/issues/${seedIssue.id}/publish`, { method: 'POST' });
  for (let i = 1; i <= 5; i++) await publishNew(makeIssue({ title: `English issue ${i}`, tags: ['paging'] }));
  await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ title: '공개되지 않은 초안 인프라 AI' }) });
});

describe('the seed issue', () => {
  it('keeps every part of the newsletter: headline, summary, teasers, tags, sections and feedback call', async () => {
    const response = await call(`/api/v1/issues/${encodeURIComponent(seedIssue.slug)}`);
    expect(response.status).toBe(200);
    const issue = (await response.json()) as Record<string, any>;
    expect(issue).toMatchObject({
      number: 1,
      slug: 'openai가-google-cloud와-손을-잡았습니다',
      title: 'OpenAI가 Google Cloud와 손을 잡았습니다',
      subtitle: 'AI 시대, 인프라는 누가 더 빠르게 확보하느냐?',
      summary: [
        'OpenAI와 Google Cloud의 파트너쉽, 그 배경은?',
        '하루 25억개의 프롬프트 사용, 폭발하는 컴퓨팅 수요',
        '결국은 중요한 건 기술보다 전략!',
      ],
      tags: ['AI', '클라우드', '인프라'],
      authors: [{ name: '엔레터', url: null }],
      language: 'ko',
    });
    expect(issue.teasers.map((t: { title: string }) => t.title)).toEqual(['생성형 AI란?', 'RAG란?']);
    expect(issue.html).toContain('<h2>💡하루 25억 프롬프트, 폭발하는 컴퓨팅 수요</h2>');
    expect(issue.html).toContain('<li>GPU는 어디서 어떻게 확보할까?</li>');
    expect(issue.html).toContain('피드백을 남겨주세요! 여러분의 피드백은 큰 도움이 됩니다😃');
    expect(issue.html).not.toContain('|');
    // Readers never see the editor-only fields.
    for (const field of ['status', 'body', 'version', 'publish_at', 'created_at']) expect(issue).not.toHaveProperty(field);
  });
});

describe('GET /api/v1/issues', () => {
  it('lists published issues newest first without their HTML, and never drafts', async () => {
    const body = (await (await call('/api/v1/issues?limit=100')).json()) as { issues: Record<string, any>[]; next_cursor: string | null };
    expect(body.issues).toHaveLength(6);
    expect(body.next_cursor).toBeNull();
    expect(body.issues[0]!.title).toBe('English issue 5');
    expect(body.issues.at(-1)!.title).toBe(seedIssue.title);
    expect(body.issues[0]).not.toHaveProperty('html');
    expect(body.issues.some((i) => i.title.includes('초안'))).toBe(false);
  });

  it('pages with a cursor and never repeats or skips an issue', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = (await (await call(`/api/v1/issues?limit=2${query}`)).json()) as {
        issues: { id: string }[];
        next_cursor: string | null;
      };
      seen.push(...page.issues.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('filters by tag, in any spelling of it', async () => {
    const body = (await (await call('/api/v1/issues?tag=Paging')).json()) as { issues: unknown[] };
    expect(body.issues).toHaveLength(5);
    const korean = (await (await call(`/api/v1/issues?tag=${encodeURIComponent('클라우드')}`)).json()) as { issues: { slug: string }[] };
    expect(korean.issues.map((i) => i.slug)).toEqual([seedIssue.slug]);
  });

  it.each([
    ['AI', 'a two-letter term (LIKE fallback)'],
    ['ai', 'a lowercase two-letter term'],
    ['인프라', 'a three-character Korean term (trigram index)'],
    ['클라우드 전략', 'two terms, both required'],
    ['파운데이션', 'a word deep in the body'],
    ['25억', 'digits and Hangul'],
  ])('finds the seed issue for q=%s (%s)', async (q) => {
    const body = (await (await call(`/api/v1/issues?q=${encodeURIComponent(q)}`)).json()) as { issues: { slug: string }[] };
    expect(body.issues.map((i) => i.slug)).toContain(seedIssue.slug);
    expect(body.issues.some((i) => i.slug.includes('초안'))).toBe(false);
  });

  it.each(['존재하지않는단어', '"', '%%', '_', "''", 'AI 존재하지않는단어'])(
    'finds nothing for q=%s (wildcards and quotes are literal)',
    async (q) => {
      const body = (await (await call(`/api/v1/issues?q=${encodeURIComponent(q)}`)).json()) as { issues: unknown[] };
      expect(body.issues).toHaveLength(0);
    },
  );

  it('combines search and tag', async () => {
    const body = (await (await call('/api/v1/issues?q=English&tag=paging&limit=2')).json()) as {
      issues: unknown[];
      next_cursor: string | null;
    };
    expect(body.issues).toHaveLength(2);
    expect(body.next_cursor).not.toBeNull();
  });
});

describe('GET /api/v1/tags', () => {
  it('counts published issues per tag', async () => {
    const body = (await (await call('/api/v1/tags')).json()) as { tags: { name: string; count: number; url: string }[] };
    expect(body.tags[0]).toEqual({ name: 'paging', count: 5, url: 'http://127.0.0.1:8787/tags/paging' });
    expect(body.tags).toContainEqual({ name: '인프라', count: 1, url: `http://127.0.0.1:8787/tags/${encodeURIComponent('인프라')}` });
    expect(body.tags.find((t) => t.name === 'test')).toBeUndefined();
  });
});

describe('conditional GET on reader responses', () => {
  it.each(['/api/v1/issues', `/api/v1/issues/${encodeURIComponent('openai가-google-cloud와-손을-잡았습니다')}`, '/api/v1/tags'])(
    '%s carries a strong ETag and Last-Modified and answers 304',
    async (path) => {
      const first = await call(path);
      const etag = first.headers.get('ETag')!;
      const lastModified = first.headers.get('Last-Modified')!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
      expect(new Date(lastModified).toUTCString()).toBe(lastModified);
      expect(first.headers.get('Cache-Control')).toBe('public, max-age=60, must-revalidate');

      const byEtag = await call(path, { headers: { 'If-None-Match': etag } });
      expect(byEtag.status).toBe(304);
      expect(byEtag.headers.get('ETag')).toBe(etag);
      expect(await byEtag.text()).toBe('');
      expect((await call(path, { headers: { 'If-Modified-Since': lastModified } })).status).toBe(304);
      // If-None-Match decides when both are sent.
      expect((await call(path, { headers: { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified } })).status).toBe(200);
    },
  );

  it('answers HEAD like GET without a body', async () => {
    const response = await call('/api/v1/issues', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toMatch(/^"/);
    expect(await response.text()).toBe('');
  });

  it('answers an unknown slug with problem+json 404', async () => {
    await expectProblem(await call('/api/v1/issues/없는-이슈'), 404);
  });
});

describe('search order', () => {
  it('lists matches most recently published first, whatever order they were written in', async () => {
    const word = `순서검사${crypto.randomUUID().slice(0, 4)}`;
    const editor = editorClient(await mintToken('editor'));
    const make = async (title: string) =>
      (
        (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ title, body: `${word} 본문` }) })).json()) as {
          id: string;
        }
      ).id;
    const first = await make('먼저 쓴 이슈');
    const second = await make('나중에 쓴 이슈');
    await editor(`/api/v1/admin/issues/${second}/publish`, { method: 'POST' });
    await editor(`/api/v1/admin/issues/${first}/publish`, { method: 'POST' });
    const found = (await (await call(`/api/v1/issues?q=${encodeURIComponent(word)}`)).json()) as { issues: { id: string }[] };
    expect(found.issues.map((i) => i.id)).toEqual([first, second]);
    // Unpublished and published again, the second is the newest publication.
    await editor(`/api/v1/admin/issues/${second}/unpublish`, { method: 'POST' });
    await editor(`/api/v1/admin/issues/${second}/publish`, { method: 'POST' });
    const again = (await (await call(`/api/v1/issues?q=${encodeURIComponent(word)}`)).json()) as { issues: { id: string }[] };
    expect(again.issues.map((i) => i.id)).toEqual([second, first]);
  });
});
