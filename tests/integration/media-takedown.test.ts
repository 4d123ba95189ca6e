import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { callModule, editorClient, mintToken } from '../helpers';
import { pdf, png } from '../support/media-files';

/**
 * Taking a file down (issue 26, part 2): `POST /api/v1/admin/media/{sha256}/takedown` stops serving
 * it at once (410), shows it as removed wherever readers meet the issues that name it, keeps who,
 * when and why, and keeps the same bytes from coming back.
 */
let admin: ReturnType<typeof editorClient>;
let editor: ReturnType<typeof editorClient>;
let image: { url: string; sha256: string };
let document: { url: string; sha256: string };
let kept: { url: string; sha256: string };
let slug: string;
let id: string;
const adminName = `admin-${crypto.randomUUID().slice(0, 6)}`;

/** The Worker in this isolate: it learns of the new content version at once, as the admin's isolate does. */
const read = (path: string) => callModule(path);

beforeAll(async () => {
  admin = editorClient(await mintToken('admin', adminName));
  editor = editorClient(await mintToken('editor'));
  const upload = async (bytes: Uint8Array) =>
    (await (
      await editor('/api/v1/admin/media', { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } })
    ).json()) as {
      url: string;
      sha256: string;
    };
  image = await upload(await png(40, 30, [250, 10, 10]));
  document = await upload(pdf());
  kept = await upload(await png(20, 20, [10, 250, 10]));
  const path = (url: string) => new URL(url).pathname;
  const created = await editor('/api/v1/admin/issues', {
    method: 'POST',
    json: makeIssue({
      body: `## 본문\n\n![삭제될 그림](${path(image.url)})\n\n[계약서 받기](${path(document.url)})\n\n![남는 그림](${path(kept.url)})`,
      cover: { url: image.url, alt: '표지' },
      attachments: [{ url: document.url, title: '계약서' }],
      teasers: [{ title: '원문', excerpt: '계약서 원문', url: document.url }],
    }),
  });
  expect(created.status).toBe(201);
  ({ id, slug } = (await created.json()) as { id: string; slug: string });
  expect((await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' })).status).toBe(200);
  expect(await (await read(`/issues/${slug}`)).text()).toContain(path(image.url));
});

describe('a takedown', () => {
  it('is for admins, and must say why', async () => {
    const path = `/api/v1/admin/media/${image.sha256}/takedown`;
    expect((await editor(path, { method: 'POST', json: { reason: '법적 요청' } })).status).toBe(403);
    expect((await admin(path, { method: 'POST', json: {} })).status).toBe(400);
    expect((await admin(path, { method: 'POST', json: { reason: '  ' } })).status).toBe(400);
    expect((await admin(`/api/v1/admin/media/${'0'.repeat(64)}/takedown`, { method: 'POST', json: { reason: 'x' } })).status).toBe(404);
    expect((await read(image.url)).status).toBe(200);
  });

  it('records who, when and why, and stops serving the file at once (410)', async () => {
    for (const file of [image, document]) {
      const answer = await admin(`/api/v1/admin/media/${file.sha256}/takedown`, {
        method: 'POST',
        json: { reason: '저작권자 요청 (2026-12-08)' },
      });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { taken_down: { at: string; by: string; reason: string } };
      expect(body.taken_down).toMatchObject({ by: adminName, reason: '저작권자 요청 (2026-12-08)' });
      expect(Date.parse(body.taken_down.at)).not.toBeNaN();
    }
    for (const file of [image, document]) {
      const served = await read(file.url);
      expect(served.status).toBe(410);
      expect(served.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8');
      expect((await read(new URL(file.url).pathname)).status).toBe(410);
    }
    expect(await env.MEDIA.head(`${image.sha256}.png`)).toBeNull();
    expect((await read(kept.url)).status).toBe(200);
    expect((await read(`/media/${'1'.repeat(64)}.png`)).status).toBe(404);
  });

  it('shows the file as removed on the page, in embeds, in every feed and in the public API', async () => {
    const gone = [new URL(image.url).pathname, new URL(document.url).pathname];
    const outputs = {
      page: await (await read(`/issues/${slug}`)).text(),
      embed: await (await read(`/embed/${slug}`)).text(),
      card: await (await read(`/embed/${slug}?view=card`)).text(),
      rss: await (await read('/feed.xml')).text(),
      atom: await (await read('/atom.xml')).text(),
      json: await (await read('/feed.json')).text(),
      api: await (await read(`/api/v1/issues/${slug}`)).text(),
      markdown: await (await read(`/issues/${slug}.md`)).text(),
    };
    for (const [name, text] of Object.entries(outputs)) {
      for (const path of gone) expect(text, name).not.toContain(path);
    }
    expect(outputs.page).toContain('삭제된 파일입니다');
    expect(outputs.page).toContain('계약서 받기');
    expect(outputs.page).toContain(new URL(kept.url).pathname);
    const api = JSON.parse(outputs.api) as { cover: unknown; attachments: unknown[] };
    expect(api.cover).toBeNull();
    expect(api.attachments).toEqual([]);
  });

  it('keeps the issue as the editors wrote it, lists the takedown, and refuses the same bytes again', async () => {
    const issue = (await (await editor(`/api/v1/admin/issues/${id}`)).json()) as { body: string };
    expect(issue.body).toContain(new URL(image.url).pathname);
    const list = (await (await admin('/api/v1/admin/media?limit=100')).json()) as {
      media: { sha256: string; taken_down?: { reason: string } }[];
    };
    expect(list.media.find((m) => m.sha256 === image.sha256)?.taken_down?.reason).toBe('저작권자 요청 (2026-12-08)');
    const again = await editor('/api/v1/admin/media', { method: 'POST', body: await png(40, 30, [250, 10, 10]) });
    expect(again.status).toBe(410);
    expect(await env.MEDIA.head(`${image.sha256}.png`)).toBeNull();
    // A second takedown changes nothing.
    const twice = await admin(`/api/v1/admin/media/${image.sha256}/takedown`, { method: 'POST', json: { reason: '다른 이유' } });
    expect(((await twice.json()) as { taken_down: { reason: string } }).taken_down.reason).toBe('저작권자 요청 (2026-12-08)');
  });

  it('is served with a day of caching at most, not a year immutable', async () => {
    expect((await read(kept.url)).headers.get('Cache-Control')).toBe('public, max-age=86400');
  });
});

describe('a takedown racing an upload of the same bytes', () => {
  it('wins: the upload that read the file before it is refused, and nothing is served', async () => {
    const bytes = await png(33, 33, [1, 99, 1]);
    const first = (await (await editor('/api/v1/admin/media', { method: 'POST', body: bytes })).json()) as { sha256: string; url: string };
    // The second upload asks storage for the bytes just after the takedown has deleted them.
    const media = new Proxy(env.MEDIA, {
      get(target, name) {
        if (name === 'head')
          return async (key: string) => {
            await admin(`/api/v1/admin/media/${first.sha256}/takedown`, { method: 'POST', json: { reason: '경합' } });
            return target.head(key);
          };
        const value = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const token = await mintToken('editor');
    const second = await callModule(
      '/api/v1/admin/media',
      { method: 'POST', body: bytes, headers: { Authorization: `Bearer ${token}` } },
      { MEDIA: media },
    );
    expect(second.status).toBe(410);
    expect((await read(first.url)).status).toBe(410);
    expect(await env.MEDIA.head(`${first.sha256}.png`)).toBeNull();
  });
});
