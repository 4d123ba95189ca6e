import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ping } from '../support/websub-hub';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';

let editor: ReturnType<typeof editorClient>;

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
});

const hub = env.WEBSUB_HUB;

async function pingsFor(topicPart: string): Promise<Ping[]> {
  const all = (await (await fetch(hub.replace(/\/hub$/, '/pings'))).json()) as Ping[];
  return all.filter((ping) => ping.topic?.includes(topicPart));
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
    const pings = await acceptedPings('/tags/flaky-websub/', 3);
    expect(pings.every((p) => p.mode === 'publish')).toBe(true);
    // The hub refuses each first attempt with 503; the second goes through.
    for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
      const topic = `${ORIGIN}/tags/flaky-websub/${file}`;
      expect(pings.filter((p) => p.topic === topic).map((p) => [p.attempt, p.status])).toEqual([[1, 503], [2, 204]]);
    }
    const site = await pingsFor(`${ORIGIN}/feed.xml`);
    expect(site.length).toBeGreaterThan(0);
  });

  it('pings on an edit of a published issue and on unpublish, never for a draft', async () => {
    const issue = await createIssue('websub-edits');
    await editor(`/api/v1/admin/issues/${issue.id}`, { method: 'PATCH', headers: { 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' }, body: '{"subtitle":"draft edit"}' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await pingsFor('/tags/websub-edits/')).toHaveLength(0);

    await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
    await acceptedPings('/tags/websub-edits/', 3);
    await editor(`/api/v1/admin/issues/${issue.id}`, { method: 'PATCH', headers: { 'If-Match': '"v3"', 'Content-Type': 'application/merge-patch+json' }, body: '{"subtitle":"published edit"}' });
    await acceptedPings('/tags/websub-edits/', 6);
    await editor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' });
    expect((await acceptedPings('/tags/websub-edits/', 9)).length).toBe(9);
  });
});
