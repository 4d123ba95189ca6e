import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { GRAM_BATCH } from '../../src/services/search-index';
import { searchPublished } from '../../src/storage/search';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';
import { countingD1, type QueryLog } from '../support/d1-doubles';

/**
 * Search quality over a small corpus whose every expected hit is known: terms of one, two and
 * three or more characters, alone and together, with tags and paging, across edits, drafts and
 * unpublishing. Results are compared as whole lists (order included) against the corpus, so a
 * missed hit, a false positive or a wrong order fails.
 */
type Doc = { title: string; summary?: string[]; body: string; tags?: string[]; publish?: boolean };
const CORPUS: Record<string, Doc> = {
  seoulEconomy: { title: '서울 경제 브리핑', summary: ['금리 동결'], body: '물가와 금리 이야기', tags: ['경제'] },
  busan: { title: '부산 소식', summary: ['서울행 KTX 증편'], body: '책 한 권을 읽었다', tags: ['지역'] },
  ai: { title: 'AI 도구 정리', body: 'ai와 Ai, 그리고 머신러닝', tags: ['기술'] },
  spaced: { title: '띄어 쓴 글자', body: '서 울 경 제, 브리 리핑', tags: ['기술'] },
  csharp: { title: '언어 입문', body: 'C# 과 F# 비교', tags: ['기술'] },
  draft: { title: '초안: 서울 이야기', body: '서울 경제 책 AI', publish: false },
  edited: { title: '서울 이야기', body: '서울의 책방' },
  unpublished: { title: '내려간 서울 소식', body: '서울 경제 책 AI' },
};
const ids: Record<string, string> = {};
const names = new Map<string, string>();
let editor: ReturnType<typeof editorClient>;

async function cron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The corpus documents a search answers, by name, in the order it answers them (other issues left out). */
async function search(query: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await call(`/api/v1/issues?${query}&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(response.status, query).toBe(200);
    const body = (await response.json()) as { issues: { id: string }[]; next_cursor: string | null };
    found.push(...body.issues.map((i) => names.get(i.id)).filter((name) => name !== undefined));
    cursor = body.next_cursor;
  } while (cursor !== null);
  return found;
}
const q = (terms: string) => `q=${encodeURIComponent(terms)}`;

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  // Published in this order, so the newest publication comes first in every answer.
  for (const [name, doc] of Object.entries(CORPUS)) {
    const created = await editor('/api/v1/admin/issues', {
      method: 'POST',
      json: makeIssue({ title: doc.title, summary: doc.summary ?? ['요점'], body: doc.body, tags: doc.tags ?? ['기타'] }),
    });
    const { id } = (await created.json()) as { id: string };
    ids[name] = id;
    names.set(id, name);
    if (doc.publish !== false) expect((await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' })).status).toBe(200);
  }
  const edited = (await (await editor(`/api/v1/admin/issues/${ids.edited}`)).json()) as { version: number };
  const patch = await editor(`/api/v1/admin/issues/${ids.edited}`, {
    method: 'PATCH',
    headers: { 'If-Match': `"v${edited.version}"` },
    json: { title: '부산 이야기', body: '바다와 항구' },
  });
  expect(patch.status).toBe(200);
  expect((await editor(`/api/v1/admin/issues/${ids.unpublished}/unpublish`, { method: 'POST' })).status).toBe(200);
});

describe('search over a known corpus', () => {
  it.each([
    // Two characters: in the title, in a summary point, in the body; never across a space.
    ['서울', ['busan', 'seoulEconomy']],
    ['경제', ['seoulEconomy']],
    ['증편', ['busan']],
    ['울경', []],
    // One character (also spread out with spaces in `spaced`).
    ['서', ['spaced', 'busan', 'seoulEconomy']],
    ['책', ['busan']],
    // Case and composition fold: the query's and the text's alike.
    ['ai', ['ai']],
    ['AI', ['ai']],
    ['서울'.normalize('NFD'), ['busan', 'seoulEconomy']],
    // Punctuation is part of a term.
    ['c#', ['csharp']],
    ['#', ['csharp']],
    // Several terms: all must occur, whatever their lengths.
    ['서울 브리핑', ['seoulEconomy']],
    ['서울 증편', ['busan']],
    ['금리 브리핑', ['seoulEconomy']],
    ['서울 머신러닝', []],
    // A longer term's pairs, found apart (브리, 리핑 in `spaced`), are not the term.
    ['서 브리핑', ['seoulEconomy']],
    ['서 리핑', ['spaced', 'seoulEconomy']],
    ['머신러닝', ['ai']],
    // Edited away, a word is no longer found; the new words are.
    ['항구', ['edited']],
    ['부산', ['edited', 'busan']],
  ])('q=%s finds %j', async (terms, expected) => {
    expect(await search(q(terms))).toEqual(expected);
  });

  it('keeps to a tag', async () => {
    expect(await search(`${q('서울')}&tag=${encodeURIComponent('지역')}`)).toEqual(['busan']);
    expect(await search(`${q('서')}&tag=${encodeURIComponent('기술')}`)).toEqual(['spaced']);
  });

  it('finds a short term through its own index, not by scanning the text', async () => {
    // The trigram index holds the only copy of the text a scan could read; without it, a match
    // can only come from the gram index.
    await env.DB.prepare('DELETE FROM issue_search WHERE rowid = (SELECT seq FROM issues WHERE id = ?)').bind(ids.seoulEconomy).run();
    const found = await searchPublished(env.DB, { terms: ['동결'], afterSeq: null, limit: 10 }, ORIGIN);
    expect(found.map((f) => names.get(f.issue.id))).toEqual(['seoulEconomy']);
  });
});

describe('the cost of a short-term search', () => {
  it('reads a page of index rows, not every published issue', async () => {
    // 300 more published issues, none of them holding the term.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
       INSERT INTO issues (id, number, slug, title, subtitle, summary, body, html, teasers, tags, authors, language, status,
         published_at, created_at, updated_at, version, grams_indexed)
       SELECT printf('00000000-0000-4000-8000-%012d', i), 10000 + i, 'filler-' || i, '채움 ' || i, NULL, '[]', '본문', '<p>본문</p>',
         '[]', '[]', '[]', 'ko', 'published', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 1, 1 FROM n`,
    ).run();
    const log: QueryLog[] = [];
    const found = await searchPublished(countingD1(env.DB, log), { terms: ['서울'], afterSeq: null, limit: 3 }, ORIGIN);
    expect(found.map((f) => names.get(f.issue.id))).toEqual(['busan', 'seoulEconomy']);
    const read = log.reduce((sum, q) => sum + q.rowsRead, 0);
    expect(read, JSON.stringify(log)).toBeLessThan(50);
  });

  it('with a tag, checks the tag of each candidate rather than read every issue of the tag', async () => {
    // The 300 fillers share busan's tag.
    await env.DB.prepare(
      "INSERT INTO issue_tags (tag, issue_id, published_at) SELECT '지역', id, published_at FROM issues WHERE slug LIKE 'filler-%'",
    ).run();
    for (const terms of [['서울'], ['서울', '부산'], ['부산']]) {
      const log: QueryLog[] = [];
      const found = await searchPublished(countingD1(env.DB, log), { terms, tag: '지역', afterSeq: null, limit: 3 }, ORIGIN);
      expect(found.map((f) => names.get(f.issue.id))).toEqual(['busan']);
      const read = log.reduce((sum, q) => sum + q.rowsRead, 0);
      expect(read, JSON.stringify(log)).toBeLessThan(50);
    }
  });
});

describe('issues stored before the gram index (or restored from a backup)', () => {
  it('are found by a scan until the cron has indexed them, then by the index', async () => {
    const seqs = await env.DB.prepare(`SELECT seq FROM issues WHERE id IN (?, ?)`).bind(ids.busan, ids.ai).all<{ seq: number }>();
    // As the migration leaves them: no gram rows, marked as waiting.
    for (const { seq } of seqs.results) await env.DB.prepare('DELETE FROM issue_grams WHERE rowid = ?').bind(seq).run();
    await env.DB.prepare('UPDATE issues SET grams_indexed = 0 WHERE id IN (?, ?)').bind(ids.busan, ids.ai).run();
    const terms = async (...t: string[]) =>
      (await searchPublished(env.DB, { terms: t, afterSeq: null, limit: 10 }, ORIGIN)).map((f) => names.get(f.issue.id)).filter(Boolean);
    expect(await terms('증편')).toEqual(['busan']);
    expect(await terms('ai')).toEqual(['ai']);

    await cron();
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM issues WHERE grams_indexed = 0').first('n')).toBe(0);
    // Now from the gram index alone (the scan's text is gone).
    await env.DB.prepare('DELETE FROM issue_search WHERE rowid IN (SELECT seq FROM issues WHERE id IN (?, ?))')
      .bind(ids.busan, ids.ai)
      .run();
    expect(await terms('증편')).toEqual(['busan']);
    expect(await terms('ai')).toEqual(['ai']);
    expect(await terms('서울')).toEqual(['busan', 'seoulEconomy']);
  });

  it('are indexed a batch a run', async () => {
    await env.DB.prepare('UPDATE issues SET grams_indexed = 0').run();
    const total = (await env.DB.prepare('SELECT COUNT(*) AS n FROM issues').first<number>('n')) ?? 0;
    const pending = () => env.DB.prepare('SELECT COUNT(*) AS n FROM issues WHERE grams_indexed = 0').first<number>('n');
    expect(total).toBeGreaterThan(GRAM_BATCH);
    await cron();
    expect(await pending()).toBe(total - GRAM_BATCH);
    for (let run = 1; run < Math.ceil(total / GRAM_BATCH); run++) await cron();
    expect(await pending()).toBe(0);
    // Rewriting a row replaces it (contentless_delete): no issue is found twice or by old words.
    expect(await search(q('서울'))).toEqual(['busan', 'seoulEconomy']);
  });
});
