import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOUND_MS } from '../../src/domain/freshness';
import worker from '../../src/index';
import { PING_DELAY_MS } from '../../src/services/websub';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';
import type { Ping } from '../support/websub-hub';

let editor: ReturnType<typeof editorClient>;

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
});

const hub = env.WEBSUB_HUB;

async function pingsFor(topicPart: string): Promise<Ping[]> {
  const all = (await (await fetch(hub.replace(/\/hub$/, '/pings'))).json()) as Ping[];
  return all.filter((ping) => ping.topic?.includes(topicPart));
}

/** Runs the cron as Cloudflare would, `afterMs` from now. */
async function cron(afterMs = PING_DELAY_MS): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + afterMs, cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Waits (up to 8 s) until the stand-in hub has `count` accepted pings for topics containing `topicPart`. */
async function acceptedPings(topicPart: string, count: number): Promise<Ping[]> {
  for (let waited = 0; waited < 8000; waited += 100) {
    const pings = await pingsFor(topicPart);
    if (pings.filter((p) => p.status === 204).length >= count) return pings;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return pingsFor(topicPart);
}

async function createIssue(tag: string) {
  const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ tags: [tag] }) });
  return (await response.json()) as { id: string };
}

describe('WebSub discovery', () => {
  it('advertises the hub and self in Link headers and inside each feed', async () => {
    const issue = await createIssue('websub-discovery');
    await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    for (const [path, inside] of [
      ['/feed.xml', `<atom:link href="${hub}" rel="hub"/>`],
      ['/atom.xml', `<link rel="hub" href="${hub}"/>`],
      ['/feed.json', `"hubs":[{"type":"WebSub","url":"${hub}"}]`],
      ['/tags/websub-discovery/feed.xml', `<atom:link href="${hub}" rel="hub"/>`],
    ] as const) {
      const response = await call(path);
      expect(response.headers.get('Link')).toBe(`<${hub}>; rel="hub", <${ORIGIN}${path}>; rel="self"`);
      expect(await response.text()).toContain(inside);
    }
  });
});

describe('WebSub pings', () => {
  it('pings the hub for the site feeds and each tag feed after a publish, retrying a failed ping', async () => {
    const issue = await createIssue('flaky-websub');
    const response = await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    expect(response.status).toBe(200);
    await cron();
    const pings = await acceptedPings('/tags/flaky-websub/', 3);
    expect(pings.every((p) => p.mode === 'publish')).toBe(true);
    // The hub refuses each first attempt with 503; the second goes through.
    for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
      const topic = `${ORIGIN}/tags/flaky-websub/${file}`;
      expect(pings.filter((p) => p.topic === topic).map((p) => [p.attempt, p.status])).toEqual([
        [1, 503],
        [2, 204],
      ]);
    }
    const site = await pingsFor(`${ORIGIN}/feed.xml`);
    expect(site.length).toBeGreaterThan(0);
  });

  it('pings on an edit of a published issue and on unpublish, never for a draft', async () => {
    const issue = await createIssue('websub-edits');
    await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
      body: '{"subtitle":"draft edit"}',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await pingsFor('/tags/websub-edits/')).toHaveLength(0);

    await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    await cron();
    await acceptedPings('/tags/websub-edits/', 3);
    await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v3"', 'Content-Type': 'application/merge-patch+json' },
      body: '{"subtitle":"published edit"}',
    });
    await cron();
    await acceptedPings('/tags/websub-edits/', 6);
    await editor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' });
    await cron();
    expect((await acceptedPings('/tags/websub-edits/', 9)).length).toBe(9);
  });

  it('does not ping before every location serves the change, and pings once it does', async () => {
    const issue = await createIssue('websub-bound');
    await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    await cron(0);
    await cron(BOUND_MS - 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await pingsFor('/tags/websub-bound/')).toHaveLength(0);
    await cron(BOUND_MS + 1_000);
    expect((await acceptedPings('/tags/websub-bound/', 3)).length).toBe(3);
  });

  it("queues pings in the change's own transaction and removes each once the hub took it", async () => {
    const issue = await createIssue('websub-keep');
    await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    const queued = await env.DB.prepare("SELECT COUNT(*) AS n FROM websub_outbox WHERE topic LIKE '%/tags/websub-keep/%'").first<{
      n: number;
    }>();
    expect(queued?.n).toBe(3);
    await cron();
    await acceptedPings('/tags/websub-keep/', 3);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM websub_outbox WHERE topic LIKE '%/tags/websub-keep/%'").first<{
      n: number;
    }>();
    expect(left?.n).toBe(0);
  });
});
