import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { OWN_MEDIA_AS_PATHS_SQL } from '../../src/storage/media-paths';
import { makeIssue } from '../fixtures/issues';
import { callModule, editorClient, mintToken, ORIGIN } from '../helpers';
import { mp3, png } from '../support/media-files';

/**
 * Our own uploads follow SITE_URL (issue 25, part 7): a cover or an attachment that is one of our
 * uploads is stored by its path, so the same data served under another SITE_URL (another local
 * port, a domain move, a restored backup) names the files there, not where they were uploaded.
 */
let editor: ReturnType<typeof editorClient>;
let image: { url: string; sha256: string };
let audio: { url: string; sha256: string };
let slug: string;
let id: string;
const MOVED = 'http://127.0.0.1:8960';

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  const upload = async (body: Uint8Array) =>
    (await (
      await editor('/api/v1/admin/media', { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } })
    ).json()) as {
      url: string;
      sha256: string;
    };
  image = await upload(await png(30, 20, [9, 99, 199]));
  audio = await upload(mp3(30));
  const created = await editor('/api/v1/admin/issues', {
    method: 'POST',
    json: makeIssue({ cover: { url: image.url, alt: '표지' }, attachments: [{ url: audio.url, title: '듣기' }] }),
  });
  expect(created.status).toBe(201);
  ({ id, slug } = (await created.json()) as { id: string; slug: string });
  expect((await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' })).status).toBe(200);
});

const moved = (path: string, headers: Record<string, string> = {}) => callModule(path, { headers }, { SITE_URL: MOVED });

describe('own uploads under another SITE_URL', () => {
  it('are stored by their path', async () => {
    const row = await env.DB.prepare('SELECT cover_image, attachments FROM issues WHERE id = ?')
      .bind(id)
      .first<{ cover_image: string; attachments: string }>();
    expect(row!.cover_image).toBe(new URL(image.url).pathname);
    expect(JSON.parse(row!.attachments)[0].url).toBe(new URL(audio.url).pathname);
  });

  it('are named under the SITE_URL of the moment on the page, in the feeds and in the API', async () => {
    const imagePath = new URL(image.url).pathname;
    const audioPath = new URL(audio.url).pathname;
    const page = await (await moved(`/issues/${slug}`)).text();
    expect(page).toContain(`<meta property="og:image" content="${MOVED}${imagePath}">`);
    expect(page).toContain(`${MOVED}${audioPath}`);
    expect(page).not.toContain(`${ORIGIN}/media/`);
    for (const feed of ['/feed.xml', '/atom.xml', '/feed.json']) {
      const text = await (await moved(feed)).text();
      expect(text, feed).toContain(`${MOVED}${imagePath}`);
      expect(text, feed).toContain(`${MOVED}${audioPath}`);
      expect(text, feed).not.toContain(`${ORIGIN}/media/`);
    }
    const api = (await (await moved(`/api/v1/issues/${slug}`)).json()) as { cover: { url: string }; attachments: { url: string }[] };
    expect(api.cover.url).toBe(`${MOVED}${imagePath}`);
    expect(api.attachments[0]!.url).toBe(`${MOVED}${audioPath}`);
    // And under the SITE_URL it was uploaded at, as before.
    const here = (await (await callModule(`/api/v1/issues/${slug}`)).json()) as { cover: { url: string } };
    expect(here.cover.url).toBe(image.url);
  });

  it('keep their path through a revision restore and an edit that changes nothing', async () => {
    const revisions = (await (await editor(`/api/v1/admin/issues/${id}/revisions`)).json()) as {
      revisions: { issue: { cover: { url: string } } }[];
    };
    expect(revisions.revisions[0]!.issue.cover.url).toBe(image.url);
    const current = await editor(`/api/v1/admin/issues/${id}`);
    const body = (await current.json()) as Record<string, unknown>;
    const again = await editor(`/api/v1/admin/issues/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': current.headers.get('ETag')! },
      json: { cover: body.cover, attachments: body.attachments },
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { version: number }).version).toBe(body.version);
  });
});

describe('revisions saved before uploads were kept by their path', () => {
  it('restore with their files named under the current SITE_URL', async () => {
    const imagePath = new URL(image.url).pathname;
    // Revision 1 as it was saved before: the cover and the attachment under an earlier address.
    const { snapshot } = (await env.DB.prepare('SELECT snapshot FROM revisions WHERE issue_id = ? AND n = 1')
      .bind(id)
      .first<{ snapshot: string }>())!;
    const old = JSON.parse(snapshot) as { cover: { url: string }; attachments: { url: string }[] };
    old.cover.url = `http://127.0.0.1:8787${imagePath}`.replace('8787', '8555');
    old.attachments[0]!.url = `https://old.example${new URL(audio.url).pathname}`;
    await env.DB.prepare('UPDATE revisions SET snapshot = ? WHERE issue_id = ? AND n = 1').bind(JSON.stringify(old), id).run();
    const current = await editor(`/api/v1/admin/issues/${id}`);
    const restored = await editor(`/api/v1/admin/issues/${id}/revisions/1/restore`, {
      method: 'POST',
      headers: { 'If-Match': current.headers.get('ETag')! },
    });
    expect(restored.status).toBe(200);
    const issue = (await restored.json()) as { cover: { url: string }; attachments: { url: string }[] };
    expect(issue.cover.url).toBe(image.url);
    expect(issue.attachments[0]!.url).toBe(audio.url);
    const row = await env.DB.prepare('SELECT cover_image FROM issues WHERE id = ?').bind(id).first<{ cover_image: string }>();
    expect(row!.cover_image).toBe(imagePath);
  });
});

describe('rows written before, or restored from an older backup', () => {
  it('turn absolute URLs of stored files into their paths, whatever host they name, and leave others alone', async () => {
    const imagePath = new URL(image.url).pathname;
    const audioPath = new URL(audio.url).pathname;
    const other = `/media/${'0'.repeat(64)}.png`;
    const attachments = [
      { url: `https://old.example${audioPath}`, title: null, content_type: 'audio/mpeg', bytes: 1 },
      { url: `https://cdn.example${other}`, title: null, content_type: 'image/png', bytes: 2 },
      { url: `https://old.example${audioPath}?v=2`, title: 'q', content_type: 'audio/mpeg', bytes: 3 },
    ];
    await env.DB.prepare('UPDATE issues SET cover_image = ?, attachments = ? WHERE id = ?')
      .bind(`http://127.0.0.1:8787${imagePath}`, JSON.stringify(attachments), id)
      .run();
    await env.DB.batch(OWN_MEDIA_AS_PATHS_SQL.map((sql) => env.DB.prepare(sql)));
    const row = await env.DB.prepare('SELECT cover_image, attachments FROM issues WHERE id = ?')
      .bind(id)
      .first<{ cover_image: string; attachments: string }>();
    expect(row!.cover_image).toBe(imagePath);
    expect(JSON.parse(row!.attachments)).toEqual([{ ...attachments[0], url: audioPath }, attachments[1], attachments[2]]);
  });

  it('are turned by a migration of the same statements', () => {
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0019_'))!;
    const statements = migration.queries.map((q) =>
      q
        .replace(/^--.*\n/gm, '')
        .trim()
        .replace(/;$/, ''),
    );
    expect(statements).toEqual([...OWN_MEDIA_AS_PATHS_SQL]);
  });
});
