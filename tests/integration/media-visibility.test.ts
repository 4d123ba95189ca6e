import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, mintToken } from '../helpers';
import { png } from '../support/media-files';

/**
 * Who sees which upload (issue 25, part 6): a contributor lists only the files it uploaded and
 * those of issues it can read; an editor's draft images stay out of its list, and so does who
 * uploaded a file it did not.
 */
let editor: ReturnType<typeof editorClient>;
let alice: ReturnType<typeof editorClient>;
let bob: ReturnType<typeof editorClient>;
const aliceName = `alice-${crypto.randomUUID().slice(0, 6)}`;

interface Listed {
  url: string;
  created_by: string | null;
  issues: { slug: string }[];
}

async function uploadAs(client: ReturnType<typeof editorClient>, rgb: [number, number, number]): Promise<{ url: string }> {
  const response = await client('/api/v1/admin/media', {
    method: 'POST',
    body: await png(5, 5, rgb),
    headers: { 'Content-Type': 'image/png' },
  });
  expect([200, 201]).toContain(response.status);
  return (await response.json()) as { url: string };
}

async function listOf(client: ReturnType<typeof editorClient>): Promise<Listed[]> {
  const response = await client('/api/v1/admin/media?limit=100');
  expect(response.status).toBe(200);
  return ((await response.json()) as { media: Listed[] }).media;
}

beforeAll(async () => {
  editor = editorClient(await mintToken('editor', `editor-${crypto.randomUUID().slice(0, 6)}`));
  alice = editorClient(await mintToken('contributor', aliceName));
  bob = editorClient(await mintToken('contributor'));
});

describe('the upload list', () => {
  it('shows a contributor its own uploads and the files of its own issues, never an editor’s draft images', async () => {
    const secret = await uploadAs(editor, [1, 2, 3]);
    const draft = await editor('/api/v1/admin/issues', {
      method: 'POST',
      json: makeIssue({ body: `![비밀](${new URL(secret.url).pathname})` }),
    });
    expect(draft.status).toBe(201);
    // An editor's file that alice's own issue uses: she may see it, but not who uploaded it.
    const shared = await uploadAs(editor, [4, 5, 6]);
    const own = await alice('/api/v1/admin/issues', {
      method: 'POST',
      json: makeIssue({ body: `![함께](${new URL(shared.url).pathname})` }),
    });
    expect(own.status).toBe(201);
    const mine = await uploadAs(alice, [7, 8, 9]);
    const bobs = await uploadAs(bob, [10, 11, 12]);

    const seen = await listOf(alice);
    const urls = seen.map((m) => m.url);
    expect(urls).toContain(mine.url);
    expect(urls).toContain(shared.url);
    expect(urls).not.toContain(secret.url);
    expect(urls).not.toContain(bobs.url);
    expect(seen.find((m) => m.url === mine.url)!.created_by).toBe(aliceName);
    expect(seen.find((m) => m.url === shared.url)!.created_by).toBeNull();
    expect(JSON.stringify(seen)).not.toMatch(/editor-/);

    const all = (await listOf(editor)).map((m) => m.url);
    for (const url of [secret.url, shared.url, mine.url, bobs.url]) expect(all).toContain(url);
  });

  it('does not tell a contributor who uploaded the same bytes before', async () => {
    const first = await uploadAs(editor, [20, 21, 22]);
    const again = await alice('/api/v1/admin/media', {
      method: 'POST',
      body: await png(5, 5, [20, 21, 22]),
      headers: { 'Content-Type': 'image/png' },
    });
    expect(again.status).toBe(200);
    const body = (await again.json()) as { url: string; created_by: string | null };
    expect(body.url).toBe(first.url);
    expect(body.created_by).toBeNull();
  });
});

it('keeps answering for anonymous readers as before', async () => {
  expect((await call('/api/v1/admin/media')).status).toBe(401);
});
