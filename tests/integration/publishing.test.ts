import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { FUTURE, makeIssue } from '../fixtures/issues';
import { call, editorClient, expectProblem, mintToken } from '../helpers';

let editor: ReturnType<typeof editorClient>;

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
});

async function draft(overrides = {}) {
  const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(overrides) });
  return (await response.json()) as Record<string, any>;
}

const publish = (id: string, json?: unknown) => editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST', json });
const readerStatus = async (slug: string) => (await call(`/api/v1/issues/${encodeURIComponent(slug)}`)).status;

async function runCron(at: string) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(at), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('publishing', () => {
  it('publishes now: the issue appears on reader paths with its publish time', async () => {
    const issue = await draft();
    expect(await readerStatus(issue.slug)).toBe(404);
    const response = await publish(issue.id);
    expect(response.status).toBe(200);
    const published = (await response.json()) as Record<string, any>;
    expect(published).toMatchObject({ status: 'published', version: 2 });
    expect(Date.parse(published.published_at)).not.toBeNaN();
    expect(await readerStatus(issue.slug)).toBe(200);
  });

  it('answers 409 when publishing an issue that is already published', async () => {
    const issue = await draft();
    await publish(issue.id);
    expect((await expectProblem(await publish(issue.id), 409)).type).toMatch(/invalid-transition$/);
  });

  it('schedules for a later time, and the cron trigger publishes it when due', async () => {
    const issue = await draft();
    const response = await publish(issue.id, { at: '2099-01-01T09:00:00+09:00' });
    expect(await response.json()).toMatchObject({ status: 'scheduled', publish_at: FUTURE });
    expect(await readerStatus(issue.slug)).toBe(404);

    await runCron('2098-12-31T23:59:00.000Z');
    expect(await readerStatus(issue.slug)).toBe(404);

    await runCron('2099-01-01T00:00:30.000Z');
    const after = (await (await editor(`/api/v1/admin/issues/${issue.id}`)).json()) as Record<string, any>;
    // The issue keeps its scheduled time as its publish time, however late the trigger ran.
    expect(after).toMatchObject({ status: 'published', published_at: FUTURE, publish_at: null });
    expect(await readerStatus(issue.slug)).toBe(200);
  });

  it('checks If-Match on publish when it is sent', async () => {
    const issue = await draft();
    await expectProblem(await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST', headers: { 'If-Match': '"v9"' } }), 412);
  });

  it.each([
    [{ at: 'tomorrow' }, '/at'],
    [{ at: '2026-13-45T00:00:00Z' }, '/at'],
    [{ at: '2026-12-01T09:00:00' }, '/at'],
    [{ when: FUTURE }, '/when'],
  ])('answers 400 for the publish body %j', async (body, path) => {
    const issue = await draft();
    const problem = await expectProblem(await publish(issue.id, body), 400);
    expect(problem.errors?.map((e) => e.path)).toEqual([path]);
  });
});

describe('unpublishing', () => {
  it('takes a published issue off every reader path and back to draft', async () => {
    const issue = await draft({ tags: ['unpub'] });
    await publish(issue.id);
    expect(await readerStatus(issue.slug)).toBe(200);
    const response = await editor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' });
    expect(await response.json()).toMatchObject({ status: 'draft' });
    expect(await readerStatus(issue.slug)).toBe(404);
    const list = (await (await call('/api/v1/issues?tag=unpub')).json()) as { issues: unknown[] };
    expect(list.issues).toHaveLength(0);
    const tags = (await (await call('/api/v1/tags')).json()) as { tags: { name: string }[] };
    expect(tags.tags.map((t) => t.name)).not.toContain('unpub');
  });

  it('cancels a schedule', async () => {
    const issue = await draft();
    await publish(issue.id, { at: FUTURE });
    await editor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' });
    await runCron('2099-06-01T00:00:00.000Z');
    const after = (await (await editor(`/api/v1/admin/issues/${issue.id}`)).json()) as Record<string, any>;
    expect(after).toMatchObject({ status: 'draft', publish_at: null });
  });
});

describe('revisions', () => {
  it('keeps every change, newest first, and restores one as a new revision', async () => {
    const issue = await draft({ title: '원래 제목' });
    await editor(`/api/v1/admin/issues/${issue.id}`, { method: 'PATCH', headers: { 'If-Match': '"v1"' }, json: { title: '고친 제목' } });
    await publish(issue.id);
    const list = (await (await editor(`/api/v1/admin/issues/${issue.id}/revisions`)).json()) as { revisions: any[] };
    expect(list.revisions.map((r) => [r.n, r.action, r.issue.title])).toEqual([
      [3, 'publish', '고친 제목'],
      [2, 'update', '고친 제목'],
      [1, 'create', '원래 제목'],
    ]);

    const restored = await editor(`/api/v1/admin/issues/${issue.id}/revisions/1/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ title: '원래 제목', status: 'published', version: 4 });
    const reader = (await (await call(`/api/v1/issues/${encodeURIComponent(issue.slug)}`)).json()) as { title: string };
    expect(reader.title).toBe('원래 제목');
    const after = (await (await editor(`/api/v1/admin/issues/${issue.id}/revisions`)).json()) as { revisions: any[] };
    expect(after.revisions[0]).toMatchObject({ n: 4, action: 'restore' });
  });

  it('answers 404 for a revision that does not exist', async () => {
    const issue = await draft();
    await expectProblem(await editor(`/api/v1/admin/issues/${issue.id}/revisions/9/restore`, { method: 'POST' }), 404);
    await expectProblem(await editor(`/api/v1/admin/issues/${issue.id}/revisions/0/restore`, { method: 'POST' }), 404);
  });
});
