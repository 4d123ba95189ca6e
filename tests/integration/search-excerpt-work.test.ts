import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { callModule, editorClient, mintToken } from '../helpers';
import { countingD1, type QueryLog } from '../support/d1-doubles';

/**
 * A search page that misses every cache reads each result's HTML for its excerpt. It reads only
 * the start of it, as much as the excerpt's 20,000 characters of text need: measured in the
 * characters D1 hands the Worker, not in time.
 */
const PARAGRAPH = '긴 이슈의 문단입니다. 클라우드 인프라와 반도체 이야기가 이어집니다.\n\n';
let longHtmlChars = 0;

beforeAll(async () => {
  const editor = editorClient(await mintToken('editor'));
  for (let k = 0; k < 3; k++) {
    const body = `등대지기 ${k}가 처음에 나옵니다.\n\n${PARAGRAPH.repeat(Math.floor(190_000 / PARAGRAPH.length))}`;
    const created = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ body }) })).json()) as { id: string };
    expect((await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' })).status).toBe(200);
  }
  const row = await env.DB.prepare('SELECT MIN(length(html)) AS n FROM issues').first<{ n: number }>();
  longHtmlChars = row!.n;
});

describe('a search page miss', () => {
  it("reads no issue's HTML past what its excerpt needs", async () => {
    expect(longHtmlChars).toBeGreaterThan(190_000);
    const log: QueryLog[] = [];
    const response = await callModule(`/search?q=${encodeURIComponent('등대지기')}`, {}, { DB: countingD1(env.DB, log) });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect([...page.matchAll(/<p class="excerpt">[^<]*<mark>등대지기<\/mark>/g)]).toHaveLength(3);
    const html = log.filter((q) => /\bhtml\b/.test(q.sql) && /FROM issues/.test(q.sql));
    const read = html.reduce((sum, q) => sum + (q.chars ?? 0), 0);
    // Three issues, each read up to its first window (the whole of each was 3 × 200,000 before).
    expect(read, JSON.stringify(html.map((q) => ({ sql: q.sql, chars: q.chars })))).toBeLessThan(3 * 70_000);
    expect(read).toBeLessThan(longHtmlChars);
  });
});
