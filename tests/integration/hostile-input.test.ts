import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, databaseContents, editorClient, expectProblem, mintToken, ORIGIN } from '../helpers';
import { parseStrictXml } from '../support/strict-xml';

/**
 * Input that a hostile or careless client sends, by class: text that is not what it looks like
 * (decomposed Unicode, invisible or direction-changing characters, non-characters, lone
 * surrogates), JSON that says two things at once, and text that tries to break out of XML.
 */

let editor: ReturnType<typeof editorClient>;

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
});

async function create(fields: Record<string, unknown>) {
  return editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(fields) });
}

async function publishNew(fields: Record<string, unknown>) {
  const response = await create(fields);
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  const published = await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
  expect(published.status).toBe(200);
  return (await published.json()) as { id: string; slug: string; title: string; url: string };
}

const nfd = (s: string) => s.normalize('NFD');

describe('text is normalised to NFC at the door', () => {
  it('stores a decomposed slug composed, so its twin is a conflict and its own URL answers', async () => {
    const slug = `한글-nfc-${crypto.randomUUID().slice(0, 6)}`;
    expect(nfd(slug)).not.toBe(slug);
    const first = await create({ slug: nfd(slug) });
    expect(first.status).toBe(201);
    expect(((await first.json()) as { slug: string }).slug).toBe(slug);
    await expectProblem(await create({ slug }), 409);
  });

  it('composes every text field of JSON and of Markdown front matter', async () => {
    const text = '한국어 검색어';
    const fields = {
      title: nfd(`제목 ${text}`),
      subtitle: nfd(text),
      summary: [nfd(text)],
      tags: [nfd('클라우드')],
      body: nfd(`본문 ${text}`),
      teasers: [{ title: nfd(text), excerpt: nfd(text) }],
      authors: [{ name: nfd('엔레터') }],
    };
    const json = (await (await create(fields)).json()) as Record<string, any>;
    const markdown = (await (
      await editor('/api/v1/admin/issues', {
        method: 'POST',
        headers: { 'Content-Type': 'text/markdown' },
        body: nfd(`---\ntitle: 제목 ${text}\nsummary: [${text}]\ntags: [클라우드]\n---\n본문 ${text}\n`),
      })
    ).json()) as Record<string, any>;
    for (const issue of [json, markdown]) {
      expect(issue.title).toBe(`제목 ${text}`);
      expect(issue.summary).toEqual([text]);
      expect(issue.tags).toEqual(['클라우드']);
      expect(issue.body).toContain(`본문 ${text}`);
    }
    expect(json.subtitle).toBe(text);
    expect(json.teasers[0]).toMatchObject({ title: text, excerpt: text });
    expect(json.authors[0].name).toBe('엔레터');
  });

  it('finds a decomposed body with a composed search, and a composed body with a decomposed one', async () => {
    const word = `검색하기${crypto.randomUUID().slice(0, 4)}`;
    const issue = await publishNew({ body: nfd(`본문에 ${word} 있음`) });
    for (const q of [word, nfd(word)]) {
      const found = (await (await call(`/api/v1/issues?q=${encodeURIComponent(q)}`)).json()) as { issues: { id: string }[] };
      expect(found.issues.map((i) => i.id)).toContain(issue.id);
    }
  });
});

const NONCHARACTERS = ['\uFFFE', '\uFFFF', '\uFDD0', '\uFDEF', '\u{1FFFE}', '\u{10FFFF}'];
const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a\uD83Db'];

describe('characters that are not text are refused with 400', () => {
  const fieldCases = (bad: string) =>
    [
      ['/title', { title: `a${bad}b` }],
      ['/subtitle', { subtitle: `a${bad}` }],
      ['/body', { body: `본문${bad}` }],
      ['/summary/0', { summary: [bad] }],
      ['/tags/0', { tags: [`t${bad}`] }],
      ['/teasers/0/excerpt', { teasers: [{ title: 't', excerpt: bad }] }],
      ['/authors/0/name', { authors: [{ name: `n${bad}` }] }],
    ] as const;

  it.each(NONCHARACTERS.map((c) => [c.codePointAt(0)!.toString(16), c]))('non-character U+%s in every field', async (_, bad) => {
    for (const [path, fields] of fieldCases(bad)) {
      const problem = await expectProblem(await create(fields), 400);
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
  });

  it.each(LONE_SURROGATES.map((s) => [JSON.stringify(s), s]))('lone surrogate %s in every field, and nothing is stored', async (_, bad) => {
    const before = await databaseContents();
    for (const [path, fields] of fieldCases(bad)) {
      const problem = await expectProblem(await create(fields), 400);
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    expect(await databaseContents()).toBe(before);
  });

  it('refuses them in PATCH and in Markdown front matter too', async () => {
    const created = (await (await create({})).json()) as { id: string };
    const patched = await editor(`/api/v1/admin/issues/${created.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
      body: '{"title": "a\\ud800"}',
    });
    expect((await expectProblem(patched, 400)).errors?.[0]?.path).toBe('/title');
    const markdown = await editor('/api/v1/admin/issues', {
      method: 'POST',
      headers: { 'Content-Type': 'text/markdown' },
      body: '---\ntitle: "a\\ud800"\n---\n본문\uFFFF\n',
    });
    expect((await expectProblem(markdown, 400)).errors?.map((e) => e.path).sort()).toEqual(['/body', '/title']);
  });

  it('refuses them in reader feedback and in query strings', async () => {
    const issue = await publishNew({});
    const feedback = await call(`/api/v1/issues/${encodeURIComponent(issue.slug)}/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ rating: 5, comment: 'x\uFFFE' }),
    });
    expect((await expectProblem(feedback, 400)).errors?.[0]?.path).toBe('/comment');
    await expectProblem(await call(`/api/v1/issues?q=${encodeURIComponent('검색\uFDD0')}`), 400);
  });
});

describe('slugs and tags hold no invisible or direction-changing characters', () => {
  const INVISIBLE = [
    ['a Hangul filler', 'ㅤ'],
    ['a Hangul choseong filler', 'ᅟ'],
    ['a halfwidth Hangul filler', 'ﾠ'],
    ['a right-to-left override', '\u202E'],
    ['a first-strong isolate', '\u2068'],
    ['a zero-width space', '\u200B'],
    ['a zero-width joiner', '\u200D'],
    ['a word joiner', '\u2060'],
    ['a variation selector', '\uFE0F'],
    ['a combining grapheme joiner', '\u034F'],
    ['a byte order mark', '\uFEFF'],
  ];

  it.each(INVISIBLE)('refuses %s inside a slug and a tag', async (_, char) => {
    const base = `slug-${crypto.randomUUID().slice(0, 6)}`;
    for (const slug of [`${base}${char}`, `${base}-${char}x`, `x${char}${base}`]) {
      expect((await expectProblem(await create({ slug }), 400)).errors?.[0]?.path).toBe('/slug');
    }
    expect((await expectProblem(await create({ tags: [`tag${char}x`] }), 400)).errors?.[0]?.path).toBe('/tags/0');
  });

  it.each([
    ['at the start', '\u0301abc'],
    ['after a hyphen', 'abc-\u0301def'],
    ['a Hangul jamo vowel mark at the start', '\u1161가'],
  ])('refuses a combining mark %s', async (_, slug) => {
    expect((await expectProblem(await create({ slug }), 400)).errors?.[0]?.path).toBe('/slug');
  });

  it('keeps marks that belong to a letter', async () => {
    const slug = `café-한글-${crypto.randomUUID().slice(0, 6)}`;
    const response = await create({ slug: nfd(slug) });
    expect(response.status).toBe(201);
  });

  it('derives a clean slug from a title that holds them', async () => {
    const response = await editor('/api/v1/admin/issues', {
      method: 'POST',
      json: { title: `ㅤ안녕\u202E하세요\u200Bㅤ ${crypto.randomUUID().slice(0, 6)}`, body: 'x' },
    });
    expect(response.status).toBe(201);
    const { slug } = (await response.json()) as { slug: string };
    expect(slug).toMatch(/^안녕-?하세요-[0-9a-f]{6}$/u);
  });
});

describe('direction-changing characters in a title are inert on pages', () => {
  it('keeps the title as sent in the API and renders no bidi control on the issue page or embed', async () => {
    const title = `주의 \u202Etxt.exe\u202C 첨부 \u2067x\u2069 ${crypto.randomUUID().slice(0, 6)}`;
    const issue = await publishNew({ title });
    expect(issue.title).toBe(title);
    for (const path of [`/issues/${encodeURIComponent(issue.slug)}`, `/embed/${encodeURIComponent(issue.slug)}`, '/']) {
      const page = await (await call(path)).text();
      expect(page).toContain('txt.exe');
      expect(page).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    }
  });
});

describe('a JSON body says each thing once', () => {
  const post = (body: string) => editor('/api/v1/admin/issues', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

  it.each([
    ['a repeated field', '{"title": "a", "body": "b", "title": "c"}', '/title'],
    ['a repeated field spelled with an escape', '{"title": "a", "body": "b", "t\\u0069tle": "c"}', '/title'],
    ['a repeated field inside a teaser', '{"title": "a", "body": "b", "teasers": [{"title": "x", "title": "y"}]}', '/teasers/0/title'],
    [
      'a repeated field, once decomposed (NFD)',
      `{"title": "a", "body": "b", "tags": ["x"], "${'태그'.normalize('NFD')}": 1, "태그": 2}`,
      '/태그',
    ],
  ])('answers 400 to %s', async (_, body, path) => {
    const problem = await expectProblem(await post(body), 400);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it('answers 400 to a repeated field in a PATCH', async () => {
    const created = (await (await create({})).json()) as { id: string };
    const response = await editor(`/api/v1/admin/issues/${created.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
      body: '{"title": "a", "title": "b"}',
    });
    expect((await expectProblem(response, 400)).errors?.[0]?.path).toBe('/title');
  });

  it.each(['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString'])(
    'reports %s as an unknown field, at the top and nested',
    async (key) => {
      const top = await expectProblem(await post(`{"title": "a", "body": "b", "${key}": {"x": 1}}`), 400);
      expect(top.errors).toContainEqual({ path: `/${key}`, message: 'is not a known field' });
      const nested = await expectProblem(await post(`{"title": "a", "body": "b", "teasers": [{"title": "t", "${key}": 1}]}`), 400);
      expect(nested.errors).toContainEqual({ path: `/teasers/0/${key}`, message: 'is not a known field' });
    },
  );
});

describe('If-Match: * does not skip the lost-update check', () => {
  it.each([
    ['PUT', '', () => ({ json: makeIssue() })],
    ['PATCH', '', () => ({ body: '{"subtitle": "x"}', headers: { 'Content-Type': 'application/merge-patch+json' } })],
    ['DELETE', '', () => ({})],
    ['POST', '/publish', () => ({})],
    ['POST', '/unpublish', () => ({})],
    ['POST', '/revisions/1/restore', () => ({})],
  ])('%s %s answers 428 and asks for the ETag', async (method, suffix, init) => {
    const admin = editorClient(await mintToken('admin'));
    // Publishing needs a draft (v1); the others take the published issue (v2).
    const { id, version } =
      suffix === '/publish'
        ? { ...((await (await create({})).json()) as { id: string }), version: 1 }
        : { ...(await publishNew({})), version: 2 };
    const extra = init() as { json?: unknown; body?: string; headers?: Record<string, string> };
    for (const ifMatch of ['*', ' * ', `"v${version}", *`]) {
      const response = await admin(`/api/v1/admin/issues/${id}${suffix}`, {
        method,
        ...extra,
        headers: { ...extra.headers, 'If-Match': ifMatch },
      });
      const problem = await expectProblem(response, 428);
      expect(problem.detail).toMatch(/ETag/);
      expect(problem.detail).toContain(`"v${version}"`);
    }
  });
});

describe('XML outputs stay XML whatever the text', () => {
  const NASTY = [
    ['"]]>" twice', 'a ]]> b ]]> c'],
    ['an injected element between CDATA ends', 'A]]>B]]><evil>x</evil><![CDATA[C'],
    ['"]]>" at the ends', ']]>x]]>'],
    ['a CDATA start', '<![CDATA[ x'],
    ['markup', '<b>굵게</b> & <i>기울임</i> &amp;'],
  ];

  it.each(NASTY)('%s in a title and summary: every XML output parses and carries the text exactly', async (_, text) => {
    const tag = `x${crypto.randomUUID().slice(0, 6)}`;
    const issue = await publishNew({ title: `${text} ${tag}`, summary: [text], tags: [tag] });
    for (const path of ['/feed.xml', '/atom.xml', `/tags/${tag}/feed.xml`, `/tags/${tag}/atom.xml`]) {
      const body = await (await call(path)).text();
      const parsed = parseStrictXml(body);
      expect(parsed.elements, path).not.toContain('evil');
      expect(parsed.textOf('title'), path).toContain(`${text} ${tag}`);
    }
    const oembedUrl = `/oembed?format=xml&url=${encodeURIComponent(`${ORIGIN}/issues/${encodeURIComponent(issue.slug)}`)}`;
    const oembed = parseStrictXml(await (await call(oembedUrl)).text());
    expect(oembed.elements).not.toContain('evil');
    expect(oembed.textOf('title')).toEqual([`${text} ${tag}`]);
  });
});

describe('a body that renders past what D1 can store in one row', () => {
  it('is refused with 400 at /body, not a 5xx, and nothing is stored', async () => {
    const before = await databaseContents();
    // A reference whose title is 3,000 Hangul syllables (9 KB), used 600 times: 1.8 million
    // characters of HTML, over 5 MB in UTF-8. D1 keeps at most 2,000,000 bytes in a row.
    const body = `[r]: /x "${'가'.repeat(3000)}"\n\n${'[r] '.repeat(600)}`;
    const problem = await expectProblem(await create({ body }), 400);
    expect(problem.errors?.[0]?.path).toBe('/body');
    expect(await databaseContents()).toBe(before);
  });
});

describe('JSON nested without end', () => {
  it.each([
    ['an issue create', '/api/v1/admin/issues', (deep: string) => `{"title":"a","body":"b","teasers":${deep}}`],
    ['reader feedback', '/feedback', (deep: string) => `{"rating":5,"comment":${deep}}`],
  ])('%s nested 5,000 deep answers 400, not 500', async (_, path, wrap) => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const url = path === '/feedback' ? `/api/v1/issues/${encodeURIComponent((await publishNew({})).slug)}/feedback` : path;
    const response = await editor(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: wrap(deep) });
    const problem = await expectProblem(response, 400);
    expect(problem.errors?.[0]?.message).toMatch(/nested/);
  });
});

describe('compatibility look-alikes (NFKC) in slugs and tags', () => {
  it.each([
    ['fullwidth letters', 'ｆｉｌｅ'],
    ['a ligature', 'ﬁle'],
    ['mathematical bold', '𝐟𝐢𝐥𝐞'],
    ['a modifier letter', 'ᵃbc'],
    ['a circled digit', 'issue-①'],
  ])('a slug with %s is refused, naming the plain spelling', async (_, look) => {
    const slug = `${look}-${crypto.randomUUID().slice(0, 6)}`;
    const problem = await expectProblem(await create({ slug }), 400);
    expect(problem.errors?.[0]?.path).toBe('/slug');
    expect(problem.errors?.[0]?.message).toContain(slug.normalize('NFKC').toLowerCase());
  });

  it('a tag with fullwidth letters is the same tag as its plain spelling', async () => {
    const tag = `ｆｕｌｌ${crypto.randomUUID().slice(0, 4)}`;
    const issue = (await (await create({ tags: [tag] })).json()) as { tags: string[] };
    expect(issue.tags).toEqual([tag.normalize('NFKC')]);
  });

  it('a slug derived from a title uses the plain spelling, and Hangul compatibility jamo stay as they are', async () => {
    const suffix = crypto.randomUUID().slice(0, 6);
    const response = await editor('/api/v1/admin/issues', { method: 'POST', json: { title: `ｔｉｔｌｅ ㅋㅋ ${suffix}`, body: 'x' } });
    expect(((await response.json()) as { slug: string }).slug).toBe(`title-ㅋㅋ-${suffix}`);
    expect((await create({ slug: `ㅋㅋ-${suffix}` })).status).toBe(201);
  });
});

describe("restoring a revision written before today's checks", () => {
  async function withOldRevision(change: (snapshot: Record<string, unknown>) => string) {
    const { id } = (await (await create({})).json()) as { id: string };
    const row = (await env.DB.prepare('SELECT snapshot FROM revisions WHERE issue_id = ? AND n = 1')
      .bind(id)
      .first<{ snapshot: string }>())!;
    await env.DB.prepare('UPDATE revisions SET snapshot = ? WHERE issue_id = ? AND n = 1')
      .bind(change(JSON.parse(row.snapshot) as Record<string, unknown>), id)
      .run();
    await editor(`/api/v1/admin/issues/${id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
      body: '{"subtitle":"v2"}',
    });
    return id;
  }

  it('composes its text to NFC, as a create would', async () => {
    const slug = `복원-${crypto.randomUUID().slice(0, 6)}`;
    const id = await withOldRevision((s) => JSON.stringify({ ...s, slug: nfd(slug), title: nfd('옛 제목') }));
    const restored = await editor(`/api/v1/admin/issues/${id}/revisions/1/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ slug, title: '옛 제목' });
  });

  it('refuses one whose text is not text (a lone surrogate) with 400, and changes nothing', async () => {
    const id = await withOldRevision((s) => JSON.stringify(s).replace(/"title":"[^"]*"/, '"title":"old \\ud800 title"'));
    const before = await databaseContents();
    const problem = await expectProblem(await editor(`/api/v1/admin/issues/${id}/revisions/1/restore`, { method: 'POST' }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain('/title');
    expect(await databaseContents()).toBe(before);
  });
});

describe('links made absolute for feeds and embeds', () => {
  it('point where the issue page points, whatever characters the link holds', async () => {
    const body = `<a href='/a"b'>따옴표</a> <a href="/x?a=1&b=2">앰퍼샌드</a> <a href="/%ED%95%9C?q=&lt;">인코딩</a>`;
    const issue = await publishNew({ body });
    const page = await (await call(`/issues/${encodeURIComponent(issue.slug)}`)).text();
    const feed = (await (await call('/feed.json')).json()) as { items: { url: string; content_html: string }[] };
    const item = feed.items.find((i) => i.url.endsWith(encodeURIComponent(issue.slug)))!;
    const named: Record<string, string> = { amp: '&', quot: '"', lt: '<', gt: '>', apos: "'" };
    // One pass, as a browser decodes an attribute: "&#38;quot;" is "&quot;", not '"'.
    const decode = (value: string) =>
      value.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|quot|lt|gt|apos));/gi, (_, dec?: string, hex?: string, name?: string) =>
        dec !== undefined
          ? String.fromCodePoint(Number(dec))
          : hex !== undefined
            ? String.fromCodePoint(parseInt(hex, 16))
            : named[name!.toLowerCase()]!,
      );
    const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => decode(m[1]!));
    const onPage = hrefs(page)
      .filter((h) => /^\/(?:a|x|%ED)/.test(h))
      .map((h) => new URL(h, ORIGIN).href);
    const inFeed = hrefs(item.content_html).filter((h) => h.startsWith(`${ORIGIN}/`) && !h.includes('/issues/'));
    expect(inFeed).toEqual(onPage);
    expect(inFeed).toHaveLength(3);
  });
});
