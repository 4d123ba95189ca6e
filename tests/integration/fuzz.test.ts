import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, databaseContents, editorClient, mintToken } from '../helpers';

/**
 * Property-based tests: random and adversarial bodies, headers, query strings, path segments and
 * encodings against every endpoint that takes input. Whatever comes in, the answer is never a
 * 5xx, an error is always problem+json, and a rejected request leaves the database as it was.
 */
const RUNS = 120;
let token: string;
let issue: { id: string; slug: string };
let cases = 0;

beforeAll(async () => {
  token = await mintToken('admin');
  const editor = editorClient(token);
  issue = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() })).json()) as typeof issue;
  await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
});

afterAll(() => {
  console.info(`fuzz: ${cases} generated requests`);
});

/** Strings a client could send: arbitrary Unicode, lone surrogates, control characters, SQL and markup. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\uffff',
    '..',
    '../..',
    '%2F',
    '%00',
    '%ZZ',
    "' OR 1=1 --",
    '"; DROP TABLE issues; --',
    '<script>alert(1)</script>',
    'javascript:alert(1)',
    '𝕳𝖊𝖑𝖑𝖔',
    '가'.repeat(300),
    '\u202e',
    '{{7*7}}',
    '${7*7}',
    'null',
    'true',
    '-1',
    '1e308',
    'NaN',
  ),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const issueLike = fc.record(
  {
    title: fc.oneof(nasty, jsonValue),
    body: fc.oneof(nasty, jsonValue),
    slug: fc.oneof(nasty, jsonValue),
    number: fc.oneof(fc.integer(), fc.double(), nasty),
    tags: fc.oneof(fc.array(nasty, { maxLength: 25 }), jsonValue),
    summary: fc.oneof(fc.array(nasty, { maxLength: 12 }), jsonValue),
    teasers: fc.oneof(fc.array(fc.record({ title: nasty, excerpt: nasty, url: nasty }, { requiredKeys: [] }), { maxLength: 3 }), jsonValue),
    status: nasty,
    extra: jsonValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  issueLike.map((value) => JSON.stringify(value)),
  nasty,
  fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder('latin1').decode(bytes)),
  fc.constantFrom('{', '[]', '{"title":', '\u0000', '---\ntitle: [\n---\n', '---\n: :\n---\nx'),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=latin1',
  'text/markdown',
  'text/plain',
  'application/merge-patch+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  'application/json; charset="utf-8"',
);
const header = fc.oneof(
  nasty.filter((s) => /^[\x20-\x7E]*$/.test(s)),
  fc.constantFrom('"v1"', '*', 'W/"v1"', '"v1", "v2"'),
);

async function expectSafe(response: Response, before: string | null): Promise<void> {
  cases += 1;
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8');
    const problem = (await response.json()) as { status: number; type: string };
    expect(problem.status).toBe(response.status);
    if (before !== null) expect(await databaseContents()).toBe(before);
  } else {
    await response.arrayBuffer();
  }
}

const props = { numRuns: RUNS, endOnFailure: true };

describe('editor endpoints under random input', () => {
  const targets: [string, string, () => string][] = [
    ['POST', 'create', () => '/api/v1/admin/issues'],
    ['PUT', 'replace', () => `/api/v1/admin/issues/${issue.id}`],
    ['PATCH', 'patch', () => `/api/v1/admin/issues/${issue.id}`],
    ['POST', 'publish', () => `/api/v1/admin/issues/${issue.id}/publish`],
  ];
  it.each(targets)(
    '%s (%s) never fails and changes nothing when it refuses',
    async (method, _name, path) => {
      await fc.assert(
        fc.asyncProperty(body, contentType, header, header, async (payload, type, ifMatch, idempotencyKey): Promise<void> => {
          const before = await databaseContents();
          const headers = new Headers({ Authorization: `Bearer ${token}` });
          if (type !== '') headers.set('Content-Type', type);
          headers.set('If-Match', ifMatch);
          headers.set('Idempotency-Key', idempotencyKey);
          await expectSafe(await call(path(), { method, body: payload, headers }), before);
        }),
        props,
      );
    },
    120_000,
  );
});

describe('reader endpoints under random input', () => {
  it('feedback posts never fail and change nothing when refused', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type): Promise<void> => {
        const before = await databaseContents();
        const headers = new Headers(type === '' ? {} : { 'Content-Type': type });
        await expectSafe(await call(`/api/v1/issues/${issue.slug}/feedback`, { method: 'POST', body: payload, headers }), before);
      }),
      props,
    );
  }, 120_000);

  it('query strings on every reader endpoint never fail', async () => {
    const paths = [
      '/api/v1/issues',
      '/',
      `/issues/${issue.slug}`,
      `/embed/${issue.slug}`,
      '/feed.xml',
      '/tags/test/feed.json',
      '/oembed',
      '/api/v1/admin/issues',
      '/api/v1/admin/feedback',
      '/tags/test',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(
          fc.constantFrom(
            'limit',
            'cursor',
            'tag',
            'q',
            'archive',
            'view',
            'theme',
            'url',
            'format',
            'maxwidth',
            'status',
            'issue',
            'feedback',
            'x',
          ),
          nasty,
          { maxKeys: 4 },
        ),
        async (path, query): Promise<void> => {
          const search = new URLSearchParams(query).toString();
          await expectSafe(await call(`${path}?${search}`, { headers: { Authorization: `Bearer ${token}` } }), null);
        },
      ),
      props,
    );
  }, 120_000);

  it('path segments and methods never fail', async () => {
    const templates = [
      '/issues/{}',
      '/embed/{}',
      '/tags/{}',
      '/tags/{}/feed.xml',
      '/api/v1/issues/{}',
      '/api/v1/admin/issues/{}',
      '/api/v1/admin/issues/{}/revisions/{}/restore',
      '/problems/{}',
      '/{}',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        nasty,
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        async (template, segment, method): Promise<void> => {
          const before = method === 'GET' || method === 'HEAD' ? null : await databaseContents();
          // A lone surrogate cannot be percent-encoded as UTF-8: send the bytes a client would (CESU-8).
          const encoded = (segment.isWellFormed() ? encodeURIComponent(segment) : '%ED%A0%80%FF').replace(/%25([0-9A-F]{2})/gi, '%$1');
          const response = await call(template.replaceAll('{}', encoded), { method, headers: { Authorization: `Bearer ${token}` } });
          expect(response.status).toBeLessThan(500);
          cases += 1;
          if (response.status >= 400 && method !== 'HEAD') {
            expect(response.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8');
            if (before !== null) expect(await databaseContents()).toBe(before);
          }
        },
      ),
      props,
    );
  }, 120_000);
});
