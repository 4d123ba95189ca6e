import { beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/render/openapi/document';
import { ROUTES } from '../../src/router';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken } from '../helpers';

/**
 * The route table is what the router checks before a handler runs: a route's declared role, query
 * and bodies are enforced from the declaration, so what the API document says is what is checked.
 */
let admin = '';
let published = '';
beforeAll(async () => {
  admin = await mintToken('admin');
  const client = editorClient(admin);
  const created = await client('/api/v1/admin/issues', { method: 'POST', json: makeIssue() });
  const { id, slug } = (await created.json()) as { id: string; slug: string };
  await client(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
  published = slug;
});

const WITH_BODIES = ROUTES.filter((r) => r.doc.body !== undefined);

/** The route's path with its parameters filled: an id nobody has (checks come before lookups), the published slug. */
function pathOf(path: string): string {
  return path.replace(':id', crypto.randomUUID()).replace(':slug', published).replace(':n', '1').replace(':sha256', '0'.repeat(64));
}

describe('bodies come from the route table', () => {
  it('covers every route that takes a body', () => {
    expect(WITH_BODIES.map((r) => `${r.method} ${openApiPath(r.path)}`)).toEqual([
      'POST /api/v1/issues/{slug}/feedback',
      'POST /api/v1/admin/issues',
      'PUT /api/v1/admin/issues/{id}',
      'PATCH /api/v1/admin/issues/{id}',
      'POST /api/v1/admin/issues/{id}/publish',
      'POST /api/v1/admin/media/{sha256}/takedown',
      'POST /api/v1/admin/partners',
      'PATCH /api/v1/admin/partners/{id}',
      'POST /api/v1/admin/webhooks',
      'PATCH /api/v1/admin/webhooks/{id}',
      'POST /api/v1/admin/webhooks/{id}/recover',
    ]);
  });

  it.each(WITH_BODIES.map((r) => [`${r.method} ${openApiPath(r.path)}`, r] as const))(
    '%s answers 415 to an undeclared media type, naming exactly the declared ones',
    async (_key, r) => {
      const response = await call(pathOf(r.path), {
        method: r.method,
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/xml', 'If-Match': '"v1"' },
        body: '<issue/>',
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('Accept')).toBe(Object.keys(r.doc.body ?? {}).join(', '));
    },
  );

  it.each(
    WITH_BODIES.flatMap((r) => Object.keys(r.doc.body ?? {}).map((type) => [`${r.method} ${openApiPath(r.path)}`, type, r] as const)),
  )('%s reads %s, and checks it against its schema (400 for a body of the wrong shape)', async (_key, type, r) => {
    const wrong =
      type === 'text/markdown'
        ? '---\ntitle: 7\n---\n'
        : type.endsWith('urlencoded')
          ? 'rating=nine'
          : '{"title": 7, "at": 7, "rating": "x"}';
    const response = await call(pathOf(r.path), {
      method: r.method,
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': type, 'If-Match': '"v1"' },
      body: wrong,
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.length).toBeGreaterThan(0);
  });

  it('refuses a form field given twice, as it refuses a JSON key given twice', async () => {
    const form = await call(`/api/v1/issues/${published}/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'rating=5&rating=1',
    });
    expect(form.status).toBe(400);
    expect(await form.json()).toMatchObject({ errors: [{ path: '/rating', message: 'must be given once' }] });
    const json = await call(`/api/v1/issues/${published}/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"rating": 5, "rating": 1}',
    });
    expect(json.status).toBe(400);
  });
});

describe('roles come from the route table', () => {
  const BELOW = { editor: 'contributor', admin: 'editor' } as const;
  it.each(
    ROUTES.filter((r) => r.doc.role === 'editor' || r.doc.role === 'admin').map(
      (r) => [`${r.method} ${openApiPath(r.path)}`, BELOW[r.doc.role as 'editor' | 'admin'], r] as const,
    ),
  )('%s refuses a %s before it reads anything else', async (_key, below, r) => {
    const token = await mintToken(below);
    // A bad query and a bad body too: the role is checked first, so the answer is 403, not 400 or 415.
    const response = await call(`${pathOf(r.path)}?limit=nope&format=nope`, {
      method: r.method,
      headers: { Authorization: `Bearer ${token}`, ...(r.method === 'GET' ? {} : { 'Content-Type': 'application/xml' }) },
      ...(r.method === 'GET' ? {} : { body: '<x/>' }),
    });
    expect(response.status).toBe(403);
  });
});
