import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EditorIssueListSchema,
  EditorIssueSchema,
  FeedbackReportSchema,
  FeedbackSchema,
  OEmbedSchema,
  ProblemSchema,
  PublicIssueListSchema,
  PublicIssueSchema,
  RevisionListSchema,
  TagListSchema,
} from '../../src/domain/responses';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';

let editor: ReturnType<typeof editorClient>;
let issue: { id: string; slug: string };

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  issue = (await (
    await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ teasers: [{ title: 't', url: 'https://x.example/' }] }) })
  ).json()) as typeof issue;
  await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
  await call(`/api/v1/issues/${issue.slug}/feedback`, {
    method: 'POST',
    body: '{"rating":4,"comment":"좋아요"}',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.1' },
  });
});

/** Parses a real response body with the schema the OpenAPI document describes it by. */
async function conforms(response: Response, schema: v.GenericSchema) {
  const body: unknown = await response.json();
  const result = v.safeParse(schema, body);
  expect(result.success ? [] : result.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`)).toEqual([]);
}

describe('real responses match their documented schemas', () => {
  it.each([
    ['GET /api/v1/issues', () => call('/api/v1/issues'), PublicIssueListSchema],
    ['GET /api/v1/issues?q=', () => call('/api/v1/issues?q=인프라'), PublicIssueListSchema],
    ['GET /api/v1/issues/{slug}', () => call(`/api/v1/issues/${issue.slug}`), PublicIssueSchema],
    ['GET /api/v1/tags', () => call('/api/v1/tags'), TagListSchema],
    ['GET /api/v1/admin/issues', () => editor('/api/v1/admin/issues'), EditorIssueListSchema],
    ['GET /api/v1/admin/issues/{id}', () => editor(`/api/v1/admin/issues/${issue.id}`), EditorIssueSchema],
    ['GET /api/v1/admin/issues/{id}/revisions', () => editor(`/api/v1/admin/issues/${issue.id}/revisions`), RevisionListSchema],
    ['GET /api/v1/admin/feedback', () => editor(`/api/v1/admin/feedback?issue=${issue.id}`), FeedbackReportSchema],
    [
      'POST /api/v1/issues/{slug}/feedback',
      () =>
        call(`/api/v1/issues/${issue.slug}/feedback`, {
          method: 'POST',
          body: '{"rating":5}',
          headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.2' },
        }),
      FeedbackSchema,
    ],
    ['GET /oembed', () => call(`/oembed?url=${encodeURIComponent(`${ORIGIN}/issues/${issue.slug}`)}`), OEmbedSchema],
    ['a 400', () => call('/api/v1/issues?limit=0'), ProblemSchema],
    ['a 401', () => call('/api/v1/admin/issues'), ProblemSchema],
    ['a 404', () => call('/nowhere'), ProblemSchema],
    ['a 405', () => call('/api/v1/tags', { method: 'POST' }), ProblemSchema],
  ] as const)('%s', async (_name, request, schema) => {
    const response = await request();
    expect(response.status).toBeLessThan(500);
    await conforms(response, schema);
  });
});

describe('the API reference', () => {
  it('serves the OpenAPI document with the routes of this Worker', async () => {
    const response = await call('/api/v1/openapi.json');
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    const document = (await response.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers[0]!.url).toBe(ORIGIN);
    expect(Object.keys(document.paths)).toContain('/api/v1/admin/issues/{id}/revisions/{n}/restore');
  });

  it('serves /docs, which loads the renderer from this site only', async () => {
    const response = await call('/docs');
    const body = await response.text();
    expect(body).toContain('<script src="/docs/vendor/swagger-ui-bundle.js"></script>');
    expect(response.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    expect(body).not.toMatch(/https?:\/\//);
  });
});
