import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { revokeToken } from '../../src/storage/tokens';
import { makeIssue } from '../fixtures/issues';
import { call, databaseContents, editorClient, expectProblem, mintToken } from '../helpers';

let editor: ReturnType<typeof editorClient>;
let contributor: ReturnType<typeof editorClient>;
let admin: ReturnType<typeof editorClient>;

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  contributor = editorClient(await mintToken('contributor'));
  admin = editorClient(await mintToken('admin'));
});

async function create(input = makeIssue(), client = editor) {
  const response = await client('/api/v1/admin/issues', { method: 'POST', json: input });
  expect(response.status).toBe(201);
  return { response, issue: (await response.json()) as Record<string, any> };
}

describe('creating an issue', () => {
  it('answers 201 with Location, ETag and the editor view of a draft', async () => {
    const { response, issue } = await create(makeIssue({ title: '첫 이슈', tags: ['AI', '클라우드'] }));
    expect(response.headers.get('Location')).toBe(`/api/v1/admin/issues/${issue.id}`);
    expect(response.headers.get('ETag')).toBe('"v1"');
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    expect(issue).toMatchObject({
      title: '첫 이슈',
      status: 'draft',
      version: 1,
      language: 'ko',
      tags: ['AI', '클라우드'],
      publish_at: null,
      published_at: null,
    });
    expect(issue.html).toContain('<strong>인프라</strong>');
    expect(issue.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('derives a readable Korean slug from the title and numbers issues in order', async () => {
    const { issue: a } = await create(makeIssue({ title: 'AI 시대, 인프라는 누가?', slug: undefined }));
    const { issue: b } = await create(makeIssue({ title: 'AI 시대, 인프라는 누가?', slug: undefined }));
    expect(a.slug).toBe('ai-시대-인프라는-누가');
    expect(b.slug).toBe('ai-시대-인프라는-누가-2');
    expect(b.number).toBe(a.number + 1);
    expect(a.url).toBe(`http://127.0.0.1:8787/issues/${encodeURIComponent('ai-시대-인프라는-누가')}`);
  });

  it('answers 409 when the chosen slug is taken, and writes nothing', async () => {
    const { issue } = await create();
    const before = await databaseContents();
    const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ slug: issue.slug }) });
    const problem = await expectProblem(response, 409);
    expect(problem.type).toMatch(/slug-taken$/);
    expect(await databaseContents()).toBe(before);
  });

  it('answers 409 when the chosen number is taken', async () => {
    const { issue } = await create();
    const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ number: issue.number }) });
    expect((await expectProblem(response, 409)).type).toMatch(/number-taken$/);
  });

  it('accepts text/markdown with YAML front matter', async () => {
    const markdown = '---\ntitle: 마크다운 업로드\ntags: [Markdown]\nsummary:\n  - 하나\n---\n# 제목\n\n본문입니다.\n';
    const response = await editor('/api/v1/admin/issues', {
      method: 'POST',
      body: markdown,
      headers: { 'Content-Type': 'text/markdown; charset=utf-8' },
    });
    expect(response.status).toBe(201);
    const issue = (await response.json()) as Record<string, any>;
    expect(issue).toMatchObject({ title: '마크다운 업로드', tags: ['Markdown'], summary: ['하나'], body: '# 제목\n\n본문입니다.\n' });
    expect(issue.html).toBe('<h1>제목</h1>\n<p>본문입니다.</p>');
  });
});

describe('Idempotency-Key', () => {
  it('returns the first result for a retried create and never makes a second issue', async () => {
    const input = makeIssue();
    const headers = { 'Idempotency-Key': `key-${crypto.randomUUID()}` };
    const first = await editor('/api/v1/admin/issues', { method: 'POST', json: input, headers });
    const second = await editor('/api/v1/admin/issues', { method: 'POST', json: input, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    const [a, b] = (await Promise.all([first.json(), second.json()])) as Record<string, any>[];
    expect(b!.id).toBe(a!.id);
    const list = (await (await editor('/api/v1/admin/issues?limit=100')).json()) as { issues: { slug: string }[] };
    expect(list.issues.filter((i) => i.slug === input.slug)).toHaveLength(1);
  });

  it('answers 409 when the key is reused for a different body', async () => {
    const headers = { 'Idempotency-Key': `key-${crypto.randomUUID()}` };
    await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(), headers });
    const before = await databaseContents();
    const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(), headers });
    expect((await expectProblem(response, 409)).type).toMatch(/idempotency-key-reused$/);
    expect(await databaseContents()).toBe(before);
  });
});

describe('reading and listing as an editor', () => {
  it('reads one issue in any status with its ETag', async () => {
    const { issue } = await create();
    const response = await editor(`/api/v1/admin/issues/${issue.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe('"v1"');
    expect(((await response.json()) as { body: string }).body).toBe(issue.body);
  });

  it('lists drafts, filters by status and pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) await create();
    const first = (await (await editor('/api/v1/admin/issues?status=draft&limit=2')).json()) as {
      issues: any[];
      next_cursor: string | null;
    };
    expect(first.issues).toHaveLength(2);
    expect(first.issues.every((i) => i.status === 'draft')).toBe(true);
    expect(first.next_cursor).not.toBeNull();
    const second = (await (await editor(`/api/v1/admin/issues?status=draft&limit=2&cursor=${first.next_cursor}`)).json()) as {
      issues: any[];
    };
    const ids = new Set([...first.issues, ...second.issues].map((i) => i.id));
    expect(ids.size).toBe(first.issues.length + second.issues.length);
  });

  it('answers 404 for an unknown id', async () => {
    await expectProblem(await editor(`/api/v1/admin/issues/${crypto.randomUUID()}`), 404);
    await expectProblem(await editor('/api/v1/admin/issues/not-an-id'), 404);
  });
});

describe('If-Match on PUT, PATCH and DELETE', () => {
  it('replaces with the current ETag and bumps the version', async () => {
    const { issue } = await create();
    const response = await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PUT',
      headers: { 'If-Match': '"v1"' },
      json: { title: '바뀐 제목', body: '새 본문' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe('"v2"');
    const updated = (await response.json()) as Record<string, any>;
    // PUT keeps the slug and number it does not mention: they are stable.
    expect(updated).toMatchObject({
      title: '바뀐 제목',
      body: '새 본문',
      html: '<p>새 본문</p>',
      slug: issue.slug,
      number: issue.number,
      tags: [],
      version: 2,
    });
  });

  it('writes nothing for a PUT or PATCH that changes nothing: same version, no new revision', async () => {
    const { issue } = await create();
    const document = { title: issue.title, body: issue.body, summary: issue.summary, tags: issue.tags, authors: issue.authors };
    const put = await editor(`/api/v1/admin/issues/${issue.id}`, { method: 'PUT', headers: { 'If-Match': '"v1"' }, json: document });
    expect(put.status).toBe(200);
    expect(put.headers.get('ETag')).toBe('"v1"');
    const patch = await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
      json: { title: issue.title },
    });
    expect(patch.headers.get('ETag')).toBe('"v1"');
    const revisions = (await (await editor(`/api/v1/admin/issues/${issue.id}/revisions`)).json()) as { revisions: unknown[] };
    expect(revisions.revisions).toHaveLength(1);
    // The precondition still holds: a stale ETag is refused even when nothing would change.
    const stale = await editor(`/api/v1/admin/issues/${issue.id}`, { method: 'PUT', headers: { 'If-Match': '"v9"' }, json: document });
    expect(stale.status).toBe(412);
  });

  it.each(['PUT', 'PATCH', 'DELETE'])('%s answers 428 without If-Match and 412 when it is stale, changing nothing', async (method) => {
    const { issue } = await create();
    const json = method === 'PUT' ? { title: 'x', body: 'y' } : method === 'PATCH' ? { title: 'x' } : undefined;
    const headers: Record<string, string> = method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {};
    const before = await databaseContents();
    const client = method === 'DELETE' ? admin : editor;
    await expectProblem(await client(`/api/v1/admin/issues/${issue.id}`, { method, json, headers }), 428);
    const stale = await client(`/api/v1/admin/issues/${issue.id}`, { method, json, headers: { ...headers, 'If-Match': '"v7"' } });
    await expectProblem(stale, 412);
    expect(stale.headers.get('ETag')).toBe('"v1"');
    expect(await databaseContents()).toBe(before);
  });

  it('merge-patches: absent fields stay, null resets an optional one', async () => {
    const { issue } = await create(makeIssue({ subtitle: '부제', tags: ['a', 'b'] }));
    const response = await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
      json: { subtitle: null, tags: ['c'] },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ title: issue.title, body: issue.body, subtitle: null, tags: ['c'], version: 2 });
  });

  it('lets only one of two writers with the same If-Match through', async () => {
    const { issue } = await create();
    const put = (title: string) =>
      editor(`/api/v1/admin/issues/${issue.id}`, { method: 'PUT', headers: { 'If-Match': '"v1"' }, json: { title, body: 'b' } });
    const statuses = (await Promise.all([put('하나'), put('둘')])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412]);
    const revisions = (await (await editor(`/api/v1/admin/issues/${issue.id}/revisions`)).json()) as { revisions: unknown[] };
    expect(revisions.revisions).toHaveLength(2);
  });
});

describe('DELETE archives', () => {
  it('moves the issue to archived and keeps it and its history', async () => {
    const { issue } = await create();
    const response = await admin(`/api/v1/admin/issues/${issue.id}`, { method: 'DELETE', headers: { 'If-Match': '"v1"' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'archived', version: 2, body: issue.body });
    const again = await admin(`/api/v1/admin/issues/${issue.id}`, { method: 'DELETE', headers: { 'If-Match': '"v2"' } });
    expect((await expectProblem(again, 409)).type).toMatch(/invalid-transition$/);
    expect((await editor(`/api/v1/admin/issues/${issue.id}`)).status).toBe(200);
  });
});

describe('authentication and roles', () => {
  it.each([
    ['no header', {}],
    ['a malformed header', { Authorization: 'Token abc' }],
    ['an unknown token', { Authorization: `Bearer mh_${'a'.repeat(16)}_${'b'.repeat(43)}` }],
    ['a token of the wrong shape', { Authorization: 'Bearer nope' }],
  ])('answers 401 with WWW-Authenticate for %s', async (_name, headers) => {
    const response = await call('/api/v1/admin/issues', { headers });
    await expectProblem(response, 401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer realm="masthead"/);
  });

  it('answers 401 to a revoked token that worked before', async () => {
    const token = await mintToken('editor');
    expect((await editorClient(token)('/api/v1/admin/issues')).status).toBe(200);
    const id = token.split('_')[1]!;
    expect(await revokeToken(env.DB, id, '2026-01-02T00:00:00.000Z')).toBe(true);
    const response = await editorClient(token)('/api/v1/admin/issues');
    await expectProblem(response, 401);
    expect(response.headers.get('WWW-Authenticate')).toContain('error="invalid_token"');
  });

  it('lets a contributor write drafts but not publish, edit published issues or delete', async () => {
    const { issue } = await create(makeIssue(), contributor);
    expect(issue.status).toBe('draft');
    await expectProblem(await contributor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' }), 403);
    await expectProblem(await contributor(`/api/v1/admin/issues/${issue.id}`, { method: 'DELETE', headers: { 'If-Match': '"v1"' } }), 403);
    expect((await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' })).status).toBe(200);
    const edit = await contributor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PUT',
      headers: { 'If-Match': '"v2"' },
      json: { title: 't', body: 'b' },
    });
    await expectProblem(edit, 403);
  });

  it('lets a contributor read, list and change only the drafts they created', async () => {
    const other = editorClient(await mintToken('contributor'));
    const { issue: theirs } = await create(makeIssue(), other);
    const { issue: editors } = await create(makeIssue());
    const { issue: mine } = await create(makeIssue(), contributor);
    for (const target of [theirs, editors]) {
      const before = await databaseContents();
      await expectProblem(await contributor(`/api/v1/admin/issues/${target.id}`), 403);
      await expectProblem(await contributor(`/api/v1/admin/issues/${target.id}/revisions`), 403);
      await expectProblem(
        await contributor(`/api/v1/admin/issues/${target.id}`, {
          method: 'PUT',
          headers: { 'If-Match': '"v1"' },
          json: { title: 't', body: 'b' },
        }),
        403,
      );
      const patch = await contributor(`/api/v1/admin/issues/${target.id}`, {
        method: 'PATCH',
        headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
        body: '{"title": "x"}',
      });
      await expectProblem(patch, 403);
      expect(await databaseContents()).toBe(before);
    }
    const listed = new Set<string>();
    for (const status of ['', '?status=draft']) {
      const page = (await (await contributor(`/api/v1/admin/issues${status}`)).json()) as { issues: { id: string }[] };
      for (const { id } of page.issues) listed.add(id);
    }
    expect(listed.has(mine.id)).toBe(true);
    expect(listed.has(theirs.id)).toBe(false);
    expect(listed.has(editors.id)).toBe(false);
    expect((await contributor(`/api/v1/admin/issues/${mine.id}`)).status).toBe(200);
    const edit = await contributor(`/api/v1/admin/issues/${mine.id}`, {
      method: 'PUT',
      headers: { 'If-Match': '"v1"' },
      json: { title: 't', body: 'b' },
    });
    expect(edit.status).toBe(200);
    // Editors and admins keep full access to everyone's drafts.
    expect(
      (
        await editor(`/api/v1/admin/issues/${theirs.id}`, {
          method: 'PATCH',
          headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
          body: '{"title": "y"}',
        })
      ).status,
    ).toBe(200);
    const all = (await (await admin('/api/v1/admin/issues?limit=100')).json()) as { issues: { id: string }[] };
    expect(all.issues.map((i) => i.id)).toEqual(expect.arrayContaining([theirs.id, editors.id, mine.id]));
  });

  it('needs the admin role to archive', async () => {
    const { issue } = await create();
    await expectProblem(await editor(`/api/v1/admin/issues/${issue.id}`, { method: 'DELETE', headers: { 'If-Match': '"v1"' } }), 403);
  });
});
