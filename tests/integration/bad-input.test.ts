import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/http/body';
import { makeIssue } from '../fixtures/issues';
import { call, databaseContents, editorClient, expectProblem, mintToken } from '../helpers';

let token: string;
let existing: Record<string, any>;

beforeAll(async () => {
  token = await mintToken('editor');
  const response = await editorClient(token)('/api/v1/admin/issues', { method: 'POST', json: makeIssue() });
  existing = (await response.json()) as Record<string, any>;
});

const valid = { title: '제목', body: '본문' };
const json = (value: unknown) => JSON.stringify(value);

interface Case {
  name: string;
  body: BodyInit;
  contentType?: string | null;
  status: number;
  /** The error paths the answer must list, in any order. */
  paths?: string[];
}

const CASES: Case[] = [
  { name: 'malformed JSON', body: '{"title": "a", ', status: 400, paths: [''] },
  { name: 'a JSON array', body: '[1, 2]', status: 400, paths: [''] },
  { name: 'a JSON string', body: '"title"', status: 400, paths: [''] },
  { name: 'an empty body', body: '', status: 400, paths: [''] },
  { name: 'missing required fields', body: json({}), status: 400, paths: ['/title', '/body'] },
  {
    name: 'wrong types',
    body: json({ title: 5, body: [], summary: 'x', tags: [1], number: '3' }),
    status: 400,
    paths: ['/title', '/body', '/summary', '/tags/0', '/number'],
  },
  { name: 'unknown fields', body: json({ ...valid, foo: 1, bar: 2 }), status: 400, paths: ['/foo', '/bar'] },
  {
    name: 'read-only fields',
    body: json({ ...valid, id: 'x', status: 'published', version: 9, created_at: 'x' }),
    status: 400,
    paths: ['/id', '/status', '/version', '/created_at'],
  },
  { name: 'an empty title', body: json({ ...valid, title: '   ' }), status: 400, paths: ['/title'] },
  { name: 'an over-long title', body: json({ ...valid, title: '가'.repeat(201) }), status: 400, paths: ['/title'] },
  {
    name: 'a NUL in the title and a BEL in the body',
    body: json({ title: 'a\u0000b', body: 'x\u0007y' }),
    status: 400,
    paths: ['/title', '/body'],
  },
  { name: 'a line break in the title', body: json({ ...valid, title: 'a\nb' }), status: 400, paths: ['/title'] },
  { name: 'a C1 control in a summary point', body: json({ ...valid, summary: ['ok', 'a\u0085b'] }), status: 400, paths: ['/summary/1'] },
  { name: 'the slug ".."', body: json({ ...valid, slug: '..' }), status: 400, paths: ['/slug'] },
  { name: 'a slug with "/"', body: json({ ...valid, slug: 'a/b' }), status: 400, paths: ['/slug'] },
  { name: 'a slug with "%2F"', body: json({ ...valid, slug: 'a%2Fb' }), status: 400, paths: ['/slug'] },
  { name: 'a slug with "../"', body: json({ ...valid, slug: '../../etc/passwd' }), status: 400, paths: ['/slug'] },
  { name: 'a slug with SQL', body: json({ ...valid, slug: "x'; DROP TABLE issues; --" }), status: 400, paths: ['/slug'] },
  { name: 'a tag with SQL', body: json({ ...valid, tags: ["' OR 1=1 --"] }), status: 400, paths: ['/tags/0'] },
  { name: 'bad numbers', body: json({ ...valid, number: 1.5 }), status: 400, paths: ['/number'] },
  { name: 'a negative number', body: json({ ...valid, number: -1 }), status: 400, paths: ['/number'] },
  { name: 'too many tags', body: json({ ...valid, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), status: 400, paths: ['/tags'] },
  { name: 'a bad language', body: json({ ...valid, language: 'korean' }), status: 400, paths: ['/language'] },
  { name: 'a javascript: cover image', body: json({ ...valid, cover_image: 'javascript:alert(1)' }), status: 400, paths: ['/cover_image'] },
  { name: 'a relative canonical URL', body: json({ ...valid, canonical_url: '/x' }), status: 400, paths: ['/canonical_url'] },
  {
    name: 'bad teasers and authors',
    body: json({ ...valid, teasers: [{ title: '', url: 'javascript:alert(1)', extra: 1 }], authors: [{ name: 'a', id: 1 }] }),
    status: 400,
    paths: ['/teasers/0/title', '/teasers/0/url', '/teasers/0/extra', '/authors/0/id'],
  },
  { name: 'a text/plain body', body: json(valid), contentType: 'text/plain', status: 415 },
  { name: 'no Content-Type', body: json(valid), contentType: null, status: 415 },
  { name: 'a Latin-1 charset', body: json(valid), contentType: 'application/json; charset=iso-8859-1', status: 415 },
  { name: 'invalid UTF-8', body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), status: 400, paths: [''] },
  { name: 'a body over the limit', body: json({ ...valid, body: 'a'.repeat(MAX_BODY_BYTES) }), status: 413 },
  {
    name: 'front matter that is not YAML',
    body: '---\ntitle: [unclosed\n  - x: :\n---\nbody',
    contentType: 'text/markdown',
    status: 400,
    paths: ['/front_matter'],
  },
  {
    name: 'front matter that is a list',
    body: '---\n- a\n- b\n---\nbody',
    contentType: 'text/markdown',
    status: 400,
    paths: ['/front_matter'],
  },
  {
    name: 'Markdown without front matter',
    body: '# Just a heading\n',
    contentType: 'text/markdown',
    status: 400,
    paths: ['/front_matter'],
  },
  { name: 'front matter without a title', body: '---\ntags: [a]\n---\nbody', contentType: 'text/markdown', status: 400, paths: ['/title'] },
  {
    name: 'front matter with a body field',
    body: '---\ntitle: a\nbody: b\n---\nbody',
    contentType: 'text/markdown',
    status: 400,
    paths: ['/front_matter/body'],
  },
];

describe('bad input to POST /api/v1/admin/issues', () => {
  it.each(CASES)('answers $status to $name and changes nothing', async ({ body, contentType, status, paths }) => {
    const before = await databaseContents();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (contentType !== null) headers['Content-Type'] = contentType ?? 'application/json';
    const problem = await expectProblem(await call('/api/v1/admin/issues', { method: 'POST', headers, body }), status);
    if (paths !== undefined) {
      expect(problem.errors?.map((e) => e.path).sort()).toEqual([...paths].sort());
      for (const error of problem.errors ?? []) expect(error.message).toMatch(/\S/);
    }
    expect(await databaseContents()).toBe(before);
  });

  it('stores SQL metacharacters in text fields as plain text', async () => {
    const title = '\'; DROP TABLE issues; -- " OR 1=1';
    const response = await editorClient(token)('/api/v1/admin/issues', {
      method: 'POST',
      json: makeIssue({ title, body: "Robert'); DROP TABLE revisions;--" }),
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { title: string }).title).toBe(title);
    const tables = await env.DB.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('issues', 'revisions')").first<{
      n: number;
    }>();
    expect(tables?.n).toBe(2);
  });

  it('refuses a bad PUT the same way and keeps the issue as it was', async () => {
    const before = await databaseContents();
    const response = await editorClient(token)(`/api/v1/admin/issues/${existing.id}`, {
      method: 'PUT',
      headers: { 'If-Match': '"v1"' },
      json: { title: '', body: 'x', status: 'published' },
    });
    const problem = await expectProblem(response, 400);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['/status', '/title']);
    expect(await databaseContents()).toBe(before);
  });

  it('refuses null for the fields an issue cannot be without in a PATCH', async () => {
    const response = await editorClient(token)(`/api/v1/admin/issues/${existing.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
      body: json({ title: null, body: null, slug: null }),
    });
    const problem = await expectProblem(response, 400);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['/body', '/slug', '/title']);
  });

  it('answers 400 to a malformed Idempotency-Key', async () => {
    const response = await editorClient(token)('/api/v1/admin/issues', {
      method: 'POST',
      json: makeIssue(),
      headers: { 'Idempotency-Key': 'x'.repeat(300) },
    });
    expect((await expectProblem(response, 400)).errors?.[0]?.path).toBe('/headers/idempotency-key');
  });
});

describe('bad query strings and paths on reader routes', () => {
  it.each([
    ['limit=0', '/limit'],
    ['limit=abc', '/limit'],
    ['limit=101', '/limit'],
    ['limit=1&limit=2', '/limit'],
    ['cursor=garbage', '/cursor'],
    [`cursor=${btoa('["x","y"]')}`, '/cursor'],
    ['tag=a%2Fb', '/tag'],
    ['q=%00', '/q'],
    [`q=${'가'.repeat(201)}`, '/q'],
  ])('answers 400 to ?%s', async (query, path) => {
    const problem = await expectProblem(await call(`/api/v1/issues?${query}`), 400);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it.each(['..%2F..%2Fetc%2Fpasswd', '%ZZ', '..', 'a.b', "x'%20OR%201=1"])('answers 404 to the slug %s', async (slug) => {
    await expectProblem(await call(`/api/v1/issues/${slug}`), 404);
  });

  it('answers 405 with Allow to a method a path does not take', async () => {
    const response = await call('/api/v1/issues', { method: 'DELETE' });
    await expectProblem(response, 405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD');
  });
});
