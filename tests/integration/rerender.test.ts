import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { RENDERER_VERSION } from '../../src/render/markdown';
import { RERENDER_BATCH } from '../../src/services/rerender';
import { findIssueById, storeRerendered } from '../../src/storage/issues';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';

/**
 * HTML stored before a sanitizer fix keeps what the older rules let through until it is rendered
 * again: the cron does that for every issue an older renderer wrote (here: rows written as the
 * previous sanitizer left them, renderer 0).
 */
async function cron(bindings: Partial<Env> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
}

/** The real KV, counting its writes (the cron's announcement of a new content version is one). */
function countingKv(puts: string[]): KVNamespace {
  return new Proxy(env.CACHE, {
    get(target, name) {
      if (name === 'put')
        return (key: string, ...rest: unknown[]) => (puts.push(key), (target.put as (...a: unknown[]) => unknown)(key, ...rest));
      const value = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const generation = () => env.DB.prepare("SELECT value FROM site_state WHERE key = 'generation'").first<number>('value');

/** Publishes `n` issues of `body`; their ids and slugs. */
async function publishMany(n: number, body: string): Promise<{ id: string; slug: string }[]> {
  const editor = editorClient(await mintToken('editor'));
  const issues: { id: string; slug: string }[] = [];
  for (let i = 0; i < n; i++) {
    const { id, slug } = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ body }) })).json()) as {
      id: string;
      slug: string;
    };
    await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
    issues.push({ id, slug });
  }
  return issues;
}

const markStale = (ids: readonly string[]) =>
  env.DB.prepare(`UPDATE issues SET renderer = 0 WHERE id IN (${ids.map(() => '?').join(', ')})`)
    .bind(...ids)
    .run();

describe('a re-render', () => {
  it('that produces the same HTML changes nothing: no version moves, no KV write (after a deploy or a restore)', async () => {
    const issues = await publishMany(RERENDER_BATCH + 5, '## 같은 결과\n\n**그대로** 남는 본문.');
    await markStale(issues.map((i) => i.id));
    const before = await generation();
    const puts: string[] = [];
    await cron({ CACHE: countingKv(puts) });
    await cron({ CACHE: countingKv(puts) });
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM issues WHERE renderer = 0').first<number>('n')).toBe(0);
    expect(await generation()).toBe(before);
    expect(puts).toEqual([]);
  }, 30_000);

  it('that changes several issues moves the version once in a run', async () => {
    const issues = await publishMany(6, '본문은 *그대로*.');
    await markStale(issues.map((i) => i.id));
    // Three of them hold HTML an older renderer wrote differently.
    await env.DB.prepare(`UPDATE issues SET html = '<p>old</p>' WHERE id IN (?, ?, ?)`)
      .bind(issues[0]!.id, issues[2]!.id, issues[4]!.id)
      .run();
    const puts: string[] = [];
    await cron({ CACHE: countingKv(puts) });
    expect(puts.filter((key) => key === 'content-version')).toHaveLength(1);
    const { results } = await env.DB.prepare(`SELECT html FROM issues WHERE id IN (?, ?, ?)`)
      .bind(issues[0]!.id, issues[2]!.id, issues[4]!.id)
      .all<{ html: string }>();
    for (const row of results) expect(row.html).toContain('<em>그대로</em>');
  }, 30_000);
});

describe('HTML written by an older renderer', () => {
  it('is rendered again by the cron, and readers stop getting the unsafe link', async () => {
    const editor = editorClient(await mintToken('editor'));
    const body = '<a href="javascript&colon;alert(1)">눌러 보세요</a>';
    const issues: { id: string; slug: string }[] = [];
    for (let i = 0; i < RERENDER_BATCH + 3; i++) {
      const { id, slug } = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ body }) })).json()) as {
        id: string;
        slug: string;
      };
      await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
      issues.push({ id, slug });
    }
    // As the previous sanitizer stored them: the entity-encoded script URL passed through.
    await env.DB.prepare(`UPDATE issues SET html = ?, renderer = 0 WHERE id IN (${issues.map(() => '?').join(', ')})`)
      .bind(body, ...issues.map((i) => i.id))
      .run();
    await env.DB.prepare("UPDATE site_state SET value = value + 1 WHERE key = 'generation'").run();
    const page = () => call(`/api/v1/issues/${encodeURIComponent(issues[0]!.slug)}`).then((r) => r.json() as Promise<{ html: string }>);
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // past the freshness bound: readers see the stored rows
    expect((await page()).html).toContain('javascript&colon;');

    await cron();
    await cron();
    const { results } = await env.DB.prepare('SELECT html, renderer FROM issues WHERE renderer = 0').all();
    expect(results).toEqual([]);
    // A run with nothing left to render again moves no version (every cached output stays good).
    const settled = await generation();
    await cron();
    expect(await generation()).toBe(settled);
    // Nor does a render of an issue that changed since it was read (the UPDATE matches no row).
    const current = (await findIssueById(env.DB, issues[0]!.id, ORIGIN))!;
    expect(
      await storeRerendered(env.DB, [{ issue: { ...current, version: current.version - 1 }, html: '<p>x</p>' }], RENDERER_VERSION + 1),
    ).toBeNull();
    expect(await generation()).toBe(settled);
    expect((await findIssueById(env.DB, issues[0]!.id, ORIGIN))!.html).toBe(current.html);
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const after = await page();
    expect(after.html).toContain('눌러 보세요');
    expect(after.html).not.toMatch(/javascript/i);
  }, 30_000);
});
