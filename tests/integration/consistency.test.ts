import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportBackup, type RunSql, restoreStatements } from '../../src/services/backup';
import { forgetIsolateCache } from '../../src/services/render-cache';
import type { Row } from '../../src/storage/backup';
import { makeIssue } from '../fixtures/issues';
import { callModule, mintToken } from '../helpers';
import { throwingD1 } from '../support/d1-doubles';
import { laggingReplica } from '../support/lagging-replica';

/**
 * The consistency contract (README, "Caching and freshness") against the holes that production's
 * topology opens: KV writes lost or landing out of order, read replicas that lag, a restored
 * database, changed settings and a new deployment under a warm cache, D1 failing after a
 * withdrawal, and a write whose answer is lost. "Another isolate" is this one after
 * forgetIsolateCache(); time is moved on with a fake clock (Date only).
 */

let token: string;
const read = (path: string, bindings: Partial<Env> = {}) => callModule(path, {}, bindings);
const asEditor = (path: string, init: RequestInit & { json?: unknown } = {}, bindings: Partial<Env> = {}) =>
  callModule(
    path,
    {
      ...init,
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
    },
    bindings,
  );

async function publish(overrides: Record<string, unknown> = {}, bindings: Partial<Env> = {}) {
  const created = (await (await asEditor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(overrides) }, bindings)).json()) as {
    id: string;
    slug: string;
    title: string;
  };
  const published = await asEditor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' }, bindings);
  expect(published.status).toBe(200);
  return created;
}

/** Moves the clock on by `ms` (the bound of the contract is measured in it). */
const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
const TWO_MINUTES = 120_000;

beforeAll(async () => {
  token = await mintToken('admin');
  await publish();
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  forgetIsolateCache();
});
afterEach(() => vi.useRealTimers());

describe('lost and reordered KV writes heal without another write', () => {
  it('an older generation written to KV after a publish does not bring the older feed back', async () => {
    const before = (await env.CACHE.get('content-version')) ?? JSON.stringify({ epoch: 0, generation: 1 });
    await read('/feed.json');
    const issue = await publish({ title: `늦게 도착한 쓰기 ${crypto.randomUUID().slice(0, 6)}` });
    // The publish's own KV write lands first, then an older one (last writer wins in KV).
    await env.CACHE.put('content-version', before);
    forgetIsolateCache();
    later(TWO_MINUTES);
    expect(await (await read('/feed.json')).text()).toContain(issue.title);
  });

  it('a KV put that fails (while later reads succeed) does not hide a publish from other isolates', async () => {
    await read('/feed.json');
    const failingPuts: KVNamespace = {
      ...env.CACHE,
      get: env.CACHE.get.bind(env.CACHE),
      put: () => Promise.reject(new Error('KV: put failed')),
    } as KVNamespace;
    const issue = await publish({ title: `잃어버린 쓰기 ${crypto.randomUUID().slice(0, 6)}` }, { CACHE: failingPuts });
    forgetIsolateCache();
    later(TWO_MINUTES);
    expect(await (await read('/feed.json')).text()).toContain(issue.title);
  });
});

describe('a render for a generation never reads rows older than it', () => {
  it('a lagging replica cannot put the older feed under the newer generation', async () => {
    const tag = `replica${crypto.randomUUID().slice(0, 6)}`;
    await publish({ tags: [tag] });
    const replica = laggingReplica(env.DB);
    const first = await read(`/tags/${tag}/feed.json`, { DB: replica });
    expect(first.headers.get('Masthead-Cache')).toBe('miss');
    replica.freeze();
    const issue = await publish({ title: `복제본 지연 ${crypto.randomUUID().slice(0, 6)}`, tags: [tag] });
    forgetIsolateCache();
    later(TWO_MINUTES);
    expect(await (await read(`/tags/${tag}/feed.json`, { DB: replica })).text()).toContain(issue.title);
    forgetIsolateCache();
    expect(await (await read(`/tags/${tag}/feed.json`)).text()).toContain(issue.title);
  });
});

describe('a restored database starts clean', () => {
  it('an import into a database the Worker already served shows the imported issues', async () => {
    await applyD1Migrations(env.RESTORE_DB, env.TEST_MIGRATIONS);
    const empty = (await (await read('/feed.json', { DB: env.RESTORE_DB })).json()) as { items: unknown[] };
    expect(empty.items).toEqual([]);
    const runner =
      (db: D1Database): RunSql =>
      async (sql) =>
        (await db.prepare(sql).all<Row>()).results;
    const backup = await exportBackup(runner(env.DB), new Date());
    for (const sql of restoreStatements(backup, new Date())) await env.RESTORE_DB.prepare(sql).run();
    later(TWO_MINUTES);
    const restored = (await (await read('/feed.json', { DB: env.RESTORE_DB })).json()) as { items: unknown[] };
    expect(restored.items.length).toBeGreaterThan(0);
  });
});

describe('a database rewound in place (D1 Time Travel) starts clean', () => {
  it('withdrawn by the rewind, an issue is not served; and later versions do not reuse the rewound-away ones', async () => {
    const before = await env.DB.prepare("SELECT value FROM site_state WHERE key = 'generation'").first<number>('value');
    const issue = await publish({ title: `되감긴 이슈 ${crypto.randomUUID().slice(0, 6)}` });
    const page = `/issues/${encodeURIComponent(issue.slug)}`;
    expect((await read(page)).status).toBe(200);
    // The database as it was before the publish: the issue a draft again, the version back.
    await env.DB.batch([
      env.DB.prepare("UPDATE issues SET status = 'draft', published_at = NULL WHERE id = ?").bind(issue.id),
      env.DB.prepare('UPDATE issue_tags SET published_at = NULL WHERE issue_id = ?').bind(issue.id),
      env.DB.prepare("UPDATE site_state SET value = ? WHERE key = 'generation'").bind(before),
    ]);
    later(TWO_MINUTES);
    expect((await read(page)).status).toBe(404);
    // The next change after the rewind must not take the number the rewound-away publish had.
    await publish();
    later(TWO_MINUTES);
    expect((await read(page)).status).toBe(404);
  });
});

describe('settings and deployments start clean', () => {
  it('a partner removed from PARTNER_ORIGINS cannot frame a cached embed', async () => {
    const { slug } = await publish();
    const path = `/embed/${encodeURIComponent(slug)}`;
    const framed = await read(path, { PARTNER_ORIGINS: 'https://old-partner.example' });
    expect(framed.headers.get('Content-Security-Policy')).toContain('https://old-partner.example');
    const after = await read(path, { PARTNER_ORIGINS: '' });
    expect(after.headers.get('Content-Security-Policy')).not.toContain('https://old-partner.example');
  });

  it.each([
    ['SITE_NAME', '/feed.json', '다른 이름의 뉴스레터'],
    ['SITE_URL', '/feed.xml', 'https://moved.example'],
  ] as const)('a new %s shows at once in cached outputs', async (name, path, value) => {
    await read(path);
    expect(await (await read(path, { [name]: value })).text()).toContain(value);
  });

  it('a new deployment does not serve what the previous version rendered', async () => {
    await read('/', { CF_VERSION_METADATA: { id: 'version-a', tag: '', timestamp: '' } } as Partial<Env>);
    const next = await read('/', { CF_VERSION_METADATA: { id: 'version-b', tag: '', timestamp: '' } } as Partial<Env>);
    expect(next.headers.get('Masthead-Cache')).toBe('miss');
  });
});

describe('withdrawn content never returns', () => {
  it('stale-if-error does not serve an unpublished issue, in its page or a feed', async () => {
    const issue = await publish({ title: `철회된 이슈 ${crypto.randomUUID().slice(0, 6)}` });
    const page = `/issues/${encodeURIComponent(issue.slug)}`;
    expect((await read(page)).status).toBe(200);
    expect(await (await read('/feed.json')).text()).toContain(issue.title);
    expect((await asEditor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' })).status).toBe(200);
    forgetIsolateCache();
    later(TWO_MINUTES);
    const stalePage = await read(page, { DB: throwingD1() });
    expect(stalePage.status).not.toBe(200);
    const staleFeed = await read('/feed.json', { DB: throwingD1() });
    if (staleFeed.status === 200) expect(await staleFeed.text()).not.toContain(issue.title);
  });
});

describe('a write whose answer is lost', () => {
  /** The real D1, except that a batch's answer is lost after it committed. */
  function answerLost(db: D1Database): D1Database {
    const session = (constraint?: string) => {
      const real = db.withSession(constraint);
      return {
        prepare: (sql: string) => real.prepare(sql),
        batch: async (statements: D1PreparedStatement[]) => {
          await real.batch(statements);
          throw new Error('D1_ERROR: Network connection lost.');
        },
        getBookmark: () => real.getBookmark(),
      };
    };
    return { ...session(), withSession: session } as unknown as D1Database;
  }

  it('answers 503 saying the outcome is unknown, and a retry with the same Idempotency-Key makes one issue', async () => {
    const key = `lost-answer-${crypto.randomUUID()}`;
    const input = makeIssue();
    const first = await asEditor(
      '/api/v1/admin/issues',
      { method: 'POST', json: input, headers: { 'Idempotency-Key': key } },
      { DB: answerLost(env.DB) },
    );
    expect(first.status).toBe(503);
    const problem = (await first.json()) as { detail: string };
    expect(problem.detail).not.toMatch(/nothing was changed/i);
    expect(problem.detail).toMatch(/may have been saved/i);
    expect(problem.detail).toMatch(/Idempotency-Key/);
    const retry = await asEditor('/api/v1/admin/issues', { method: 'POST', json: input, headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('an edit whose answer is lost is refused with 412 when sent again with the same If-Match', async () => {
    const { id } = (await (await asEditor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() })).json()) as { id: string };
    const edit = {
      method: 'PATCH',
      body: '{"subtitle": "한 번만"}',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
    };
    const first = await asEditor(`/api/v1/admin/issues/${id}`, edit, { DB: answerLost(env.DB) });
    expect(first.status).toBe(503);
    expect(((await first.json()) as { detail: string }).detail).toMatch(/same If-Match is refused with 412/);
    expect((await asEditor(`/api/v1/admin/issues/${id}`, edit)).status).toBe(412);
    const revisions = (await (await asEditor(`/api/v1/admin/issues/${id}/revisions`)).json()) as { revisions: unknown[] };
    expect(revisions.revisions).toHaveLength(2);
  });
});
