import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, databaseContents, editorClient, mintToken } from '../helpers';

/**
 * Every URL a client sends is refused when it holds controls or white space, and otherwise stored
 * as the URL parser writes it; every header built from stored data stays one well-formed value
 * (RFC 8288 for Link): no field can turn into a 500 or a second link.
 */
let editor: ReturnType<typeof editorClient>;
let admin: ReturnType<typeof editorClient>;
beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  admin = editorClient(await mintToken('admin'));
});

const BAD = [
  ['a line feed', 'https://a.example/x\ny'],
  ['a carriage return', 'https://a.example/x\r\ny'],
  ['a tab', 'https://a.example/x\ty'],
  ['a leading space', ' https://a.example/x'],
  ['a trailing line feed', 'https://a.example/x\n'],
  ['a space in the path', 'https://a.example/a b'],
  ['a no-break space', 'https://a.example/a\u00a0b'],
  ['a line separator', 'https://a.example/a\u2028b'],
  ['a NUL', 'https://a.example/a\u0000b'],
  ['a C1 control', 'https://a.example/a\u0085b'],
  ['a right-to-left override', 'https://a.example/\u202egpj.exe'],
  ['a zero-width space in the host', 'https://a\u200b.example/'],
  ['a variation selector in the host', 'https://pay\ufe0fpal.example/login'],
  ['a combining grapheme joiner in the host', 'https://pay\u034fpal.example/'],
  ['a Mongolian variation selector', 'https://a\u180bb.example/'],
  ['a tag character', 'https://a.example/\u{E0041}'],
] as const;

const FIELDS: [string, (url: string) => Record<string, unknown>, string][] = [
  ['canonical_url', (url) => ({ canonical_url: url }), '/canonical_url'],
  ['a teaser url', (url) => ({ teasers: [{ title: '더 보기', url }] }), '/teasers/0/url'],
  ['an author url', (url) => ({ authors: [{ name: '엔레터', url }] }), '/authors/0/url'],
  ['the cover url', (url) => ({ cover: { url, alt: '표지' } }), '/cover/url'],
  ['cover_image', (url) => ({ cover_image: url }), '/cover_image'],
  ['an attachment url', (url) => ({ attachments: [{ url, content_type: 'application/pdf', bytes: 10 }] }), '/attachments/0/url'],
];

describe('URL fields of an issue', () => {
  const cases = FIELDS.flatMap(([field, body, path]) => BAD.map(([what, url]) => [field, what, body(url), path] as const));
  it.each(cases)('refuses %s with %s, naming the field, and stores nothing', async (_field, _what, fields, path) => {
    const before = await databaseContents();
    const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(fields) });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain(path);
    expect(await databaseContents()).toBe(before);
  });

  it('stores each URL as the parser writes it, so the address stored is the address read', async () => {
    const response = await editor('/api/v1/admin/issues', {
      method: 'POST',
      json: makeIssue({
        canonical_url: 'HTTPS://A.Example/a/../b?q="x"',
        teasers: [{ title: 't', url: 'https://a.example/한글' }],
        authors: [{ name: 'n', url: 'https://ａ.example/' }],
      }),
    });
    expect(response.status).toBe(201);
    const issue = (await response.json()) as { canonical_url: string; teasers: { url: string }[]; authors: { url: string }[] };
    expect(issue.canonical_url).toBe('https://a.example/b?q=%22x%22');
    expect(issue.teasers[0]!.url).toBe('https://a.example/%ED%95%9C%EA%B8%80');
    expect(issue.authors[0]!.url).toBe('https://a.example/');
  });
});

/** Publishes an issue and returns its slug. */
async function published(fields: Record<string, unknown>): Promise<{ id: string; slug: string }> {
  const created = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(fields) });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const answer = await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
  expect(answer.status).toBe(200);
  return (await answer.json()) as { id: string; slug: string };
}

/** One `<…>; rel="…"` link, and nothing that could start another. */
const ONE_LINK = /^<[\x21-\x7e]+>; rel="canonical"$/;

describe('the Link header built from a stored canonical_url', () => {
  it.each([
    ['a link list smuggled without white space', 'https://a.example/>;rel="alternate",<https://evil.example/'],
    ['commas and semicolons', 'https://a.example/a,b;c=d'],
    ['angle brackets in the query', 'https://a.example/?<x>'],
  ])('stays one canonical link for %s', async (_case, canonical) => {
    const { slug } = await published({ canonical_url: canonical });
    for (const path of [`/issues/${slug}.md`, `/issues/${slug}`]) {
      const response = await call(path, { headers: { Accept: 'text/markdown' } });
      expect(response.status).toBe(200);
      const link = response.headers.get('Link')!;
      expect(link).toMatch(ONE_LINK);
      expect(link.slice(1, -'>; rel="canonical"'.length)).not.toMatch(/[<>",; ]/);
    }
  });

  it.each([
    ['a line feed', 'https://a.example/x\ny'],
    ['a link list', 'https://a.example/>; rel="alternate", <https://evil.example/'],
    ['a non-ASCII address', 'https://a.example/한글 주소'],
  ])('stays one canonical link, not a 500, for %s written before addresses were checked', async (_case, canonical) => {
    const { id, slug } = await published({});
    // A row from before this check: stored as sent, straight into D1.
    await env.DB.prepare('UPDATE issues SET canonical_url = ? WHERE id = ?').bind(canonical, id).run();
    const response = await call(`/issues/${slug}.md`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Link')).toMatch(ONE_LINK);
  });
});

describe('webhook URLs and partner origins', () => {
  it.each([
    ['https://hooks.example/a\tb'],
    ['https://hooks.example/a\nb'],
    ['https://hooks.example/\r\n'],
    [' https://hooks.example/a'],
    ['https://hooks\ufe0f.example/a'],
    ['https://@hooks.example/a'],
    ['https://:@hooks.example/a'],
    ['https://hooks.example/a b'],
  ])('refuses the webhook URL %j rather than storing another address', async (url) => {
    const before = await databaseContents();
    const response = await admin('/api/v1/admin/webhooks', { method: 'POST', json: { url, events: ['issue.published'] } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['/url']);
    expect(await databaseContents()).toBe(before);
  });

  it.each([
    ['a fullwidth letter', 'https://ｐartner.example', 'https://partner.example'],
    ['the default port', 'https://partner.example:443', 'https://partner.example'],
    ['a trailing line feed', 'https://partner.example\n', null],
    ['a tab inside', 'https://part\tner.example', null],
    ['upper-case letters', 'https://Partner.Example', 'https://partner.example'],
    ['a punycode-able name written in Unicode', 'https://파트너.example', 'https://xn--'],
  ])('refuses a partner origin with %s instead of rewriting it', async (_case, origin, hint) => {
    const before = await databaseContents();
    const response = await admin('/api/v1/admin/partners', { method: 'POST', json: { name: 'P', origins: [origin] } });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(['/origins/0']);
    if (hint !== null) expect(problem.errors[0]!.message).toContain(hint);
    expect(await databaseContents()).toBe(before);
  });
});
