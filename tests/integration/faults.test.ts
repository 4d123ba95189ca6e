import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forgetIsolateCache } from '../../src/services/render-cache';
import { makeIssue } from '../fixtures/issues';
import { callModule, databaseContents, mintToken } from '../helpers';
import { d1FailingAt, throwingKV } from '../support/d1-doubles';

/**
 * Faults injected at each step of publishing: D1 failing (throwing, or never answering) at each
 * of its calls, and KV failing throughout. The editor gets 503 and a retry succeeds; readers
 * never see a half-published issue.
 */
let token: string;
let faults = 0;

function send(path: string, init: RequestInit, bindings: Partial<Env> = {}) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return callModule(path, { ...init, headers }, bindings);
}

/** What readers can see of an issue: its page in the API, its tag list, its search hit, the feed. */
async function readerView(slug: string, tag: string) {
  forgetIsolateCache();
  const one = (await send(`/api/v1/issues/${slug}`, {})).status;
  const tagged = ((await (await send(`/api/v1/issues?tag=${tag}`, {})).json()) as { issues: unknown[] }).issues.length;
  const found = ((await (await send(`/api/v1/issues?q=${tag}`, {})).json()) as { issues: unknown[] }).issues.length;
  const inFeed = (await (await send('/feed.json', {})).text()).includes(slug);
  return { one, tagged, found, inFeed };
}

beforeAll(async () => {
  token = await mintToken('admin');
});
afterAll(() => console.info(`faults: ${faults} injected`));
beforeEach(() => forgetIsolateCache());

async function draft() {
  const tag = `fault-${crypto.randomUUID().slice(0, 8)}`;
  const response = await send('/api/v1/admin/issues', {
    method: 'POST',
    body: JSON.stringify(makeIssue({ tags: [tag], body: `고장 시험 본문 ${tag}` })),
    headers: { 'Content-Type': 'application/json' },
  });
  const issue = (await response.json()) as { id: string; slug: string };
  return { ...issue, tag };
}

describe('publishing when D1 fails', () => {
  // A publish makes three D1 calls: the token, the issue, and the batch that writes it all.
  it.each([1, 2, 3])('D1 throwing at call %i: 503 with Retry-After, nothing half-written, and a retry publishes', async (step) => {
    const issue = await draft();
    const before = await databaseContents();
    const response = await send(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' }, { DB: d1FailingAt(env.DB, step) });
    faults += 1;
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(await databaseContents()).toBe(before);
    expect(await readerView(issue.slug, issue.tag)).toEqual({ one: 404, tagged: 0, found: 0, inFeed: false });

    const retry = await send(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    expect(retry.status).toBe(200);
    expect(await readerView(issue.slug, issue.tag)).toEqual({ one: 200, tagged: 1, found: 1, inFeed: true });
  });

  it('D1 never answering the write: 503 after the timeout, and a retry publishes', async () => {
    const issue = await draft();
    const before = await databaseContents();
    const response = await send(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' }, { DB: d1FailingAt(env.DB, 3, 'hang') });
    faults += 1;
    expect(response.status).toBe(503);
    expect(await databaseContents()).toBe(before);
    expect((await send(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' })).status).toBe(200);
  }, 15_000);

  it('every step of an unpublish and an edit fails cleanly too', async () => {
    const issue = await draft();
    await send(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    for (const step of [1, 2, 3]) {
      const before = await databaseContents();
      expect((await send(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' }, { DB: d1FailingAt(env.DB, step) })).status).toBe(
        503,
      );
      expect(
        (
          await send(
            `/api/v1/admin/issues/${issue.id}`,
            { method: 'PATCH', body: '{"title":"x"}', headers: { 'If-Match': '"v2"', 'Content-Type': 'application/merge-patch+json' } },
            { DB: d1FailingAt(env.DB, step) },
          )
        ).status,
      ).toBe(503);
      faults += 2;
      expect(await databaseContents()).toBe(before);
      expect((await readerView(issue.slug, issue.tag)).one).toBe(200);
    }
  });
});

describe('publishing when KV fails', () => {
  it('still publishes, and readers are served from D1', async () => {
    const issue = await draft();
    const response = await send(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' }, { CACHE: throwingKV() });
    faults += 1;
    expect(response.status).toBe(200);
    forgetIsolateCache();
    const reader = await send(`/api/v1/issues/${issue.slug}`, {}, { CACHE: throwingKV() });
    expect(reader.status).toBe(200);
    expect(reader.headers.get('Masthead-Cache')).toBe('miss');
    expect(faults).toBeGreaterThan(0);
  });
});
