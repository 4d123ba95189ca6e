import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { callModule, editorClient, expectProblem, mintToken } from '../helpers';

/**
 * A deployed Worker without FEEDBACK_HASH_SECRET: reader feedback fails closed (503) instead of
 * salting client hashes with a constant anyone can read, and editors keep working. Calls go
 * straight to the Worker module, with the secret taken out of its bindings, so its log can be read.
 */
const logged: string[] = [];
const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
  logged.push(args.map(String).join(' '));
});
afterAll(() => spy.mockRestore());

const WITHOUT_SECRET = { FEEDBACK_HASH_SECRET: undefined };
let issue: { id: string; slug: string };
let token = '';

const feedback = (ip: string, bindings: Partial<Env>) =>
  callModule(
    `/api/v1/issues/${encodeURIComponent(issue.slug)}/feedback`,
    {
      method: 'POST',
      body: '{"rating": 4, "comment": "비밀 없이"}',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ip },
    },
    bindings,
  );

const feedbackRows = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM feedback').first<{ n: number }>())?.n;

beforeAll(async () => {
  token = await mintToken('editor');
  const editor = editorClient(token);
  issue = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() })).json()) as { id: string; slug: string };
  await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
});

describe('without FEEDBACK_HASH_SECRET', () => {
  it('answers feedback with 503 problem+json, stores nothing, and logs why once per isolate', async () => {
    const before = await feedbackRows();
    for (const [i, bindings] of [WITHOUT_SECRET, WITHOUT_SECRET, { FEEDBACK_HASH_SECRET: '' }].entries()) {
      const problem = await expectProblem(await feedback(`203.0.113.${i + 1}`, bindings), 503);
      expect(problem.detail).toMatch(/feedback/i);
    }
    expect(await feedbackRows()).toBe(before);
    expect(logged.filter((line) => line.includes('FEEDBACK_HASH_SECRET'))).toHaveLength(1);
  });

  it('lets editors work, and still rate limits failed authentication per client', async () => {
    const created = await callModule(
      '/api/v1/admin/issues',
      {
        method: 'POST',
        body: JSON.stringify(makeIssue()),
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'CF-Connecting-IP': '203.0.113.50' },
      },
      WITHOUT_SECRET,
    );
    expect(created.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await callModule(
        '/api/v1/admin/issues',
        { headers: { Authorization: 'Bearer wrong', 'CF-Connecting-IP': '203.0.113.51' } },
        WITHOUT_SECRET,
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // Another client is not held back by that one's failures.
    expect(
      (
        await callModule(
          '/api/v1/admin/issues',
          { headers: { Authorization: 'Bearer wrong', 'CF-Connecting-IP': '203.0.113.52' } },
          WITHOUT_SECRET,
        )
      ).status,
    ).toBe(401);
  });
});

describe('with FEEDBACK_HASH_SECRET', () => {
  it('takes feedback', async () => {
    expect(env.FEEDBACK_HASH_SECRET).toBeTruthy();
    expect((await feedback('203.0.113.60', {})).status).toBe(201);
  });
});
