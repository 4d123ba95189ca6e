import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectMedia, MAX_MEDIA_BYTES } from '../../src/domain/media';
import { makeIssue } from '../fixtures/issues';
import { call, callModule, mintToken, ORIGIN } from '../helpers';
import { avif, gif, html, jpeg, m4a, mp3, pdf, png, svg, webp } from '../support/media-files';

/**
 * Media on R2 (README, "Images and files"): uploads decided by their bytes, stored once under
 * their SHA-256, served with Range (a day of caching: a file can be taken down), listed with the issues that mention them, and
 * deleted only when no issue does.
 */
let tokens: Record<'contributor' | 'editor' | 'admin', string>;
beforeAll(async () => {
  tokens = { contributor: await mintToken('contributor'), editor: await mintToken('editor'), admin: await mintToken('admin') };
});

const upload = (body: BodyInit, role: keyof typeof tokens = 'contributor', type = 'application/octet-stream') =>
  call('/api/v1/admin/media', { method: 'POST', body, headers: { Authorization: `Bearer ${tokens[role]}`, 'Content-Type': type } });

interface Uploaded {
  url: string;
  sha256: string;
  content_type: string;
  bytes: number;
  width?: number;
  height?: number;
}

const sha256Hex = async (data: Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('uploads', () => {
  it.each([
    ['PNG', () => png(40, 30), 'image/png', 'png', [40, 30]],
    ['JPEG', async () => jpeg(640, 480), 'image/jpeg', 'jpg', [640, 480]],
    ['GIF', async () => gif(12, 8), 'image/gif', 'gif', [12, 8]],
    ['WebP', async () => webp(20, 10), 'image/webp', 'webp', [20, 10]],
    ['AVIF', async () => avif(16, 9), 'image/avif', 'avif', [16, 9]],
    ['PDF', async () => pdf(), 'application/pdf', 'pdf', null],
    ['MP3', async () => mp3(), 'audio/mpeg', 'mp3', null],
    ['M4A', async () => m4a(), 'audio/mp4', 'm4a', null],
  ] as const)('stores a %s by its bytes, whatever Content-Type it came with', async (_name, make, type, ext, size) => {
    const file = await make();
    // A misleading header: the type is read from the bytes.
    const response = await upload(file, 'contributor', 'text/plain');
    expect(response.status).toBe(201);
    const body = (await response.json()) as Uploaded;
    const hash = await sha256Hex(file);
    expect(body).toMatchObject({ url: `${ORIGIN}/media/${hash}.${ext}`, sha256: hash, content_type: type, bytes: file.byteLength });
    expect(response.headers.get('Location')).toBe(body.url);
    if (size === null) expect(body.width).toBeUndefined();
    else expect([body.width, body.height]).toEqual(size);
    const served = await call(`/media/${hash}.${ext}`);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(file);
    expect(served.headers.get('Content-Type')).toBe(type);
  });

  it('takes a multipart form with a file field', async () => {
    const form = new FormData();
    form.set('file', new File([await png(3, 3, [1, 2, 3])], 'chart.png', { type: 'image/png' }));
    const response = await call('/api/v1/admin/media', {
      method: 'POST',
      body: form,
      headers: { Authorization: `Bearer ${tokens.editor}` },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ width: 3, height: 3, content_type: 'image/png' });
  });

  it('stores the same bytes once: a second upload answers 200 with the same URL', async () => {
    const file = await png(5, 5, [9, 9, 9]);
    const first = (await (await upload(file)).json()) as Uploaded;
    const again = await upload(file, 'admin');
    expect(again.status).toBe(200);
    expect(((await again.json()) as Uploaded).url).toBe(first.url);
    // Not written again: the object is the one the first upload stored.
    const stored = await env.MEDIA.head(`${first.sha256}.png`);
    const firstWrite = stored?.uploaded.getTime();
    await upload(file, 'editor');
    expect((await env.MEDIA.head(`${first.sha256}.png`))?.uploaded.getTime()).toBe(firstWrite);
  });

  it.each([
    ['SVG', svg, /SVG, HTML/],
    ['HTML renamed .png', html, /SVG, HTML/],
    ['a truncated PNG', async () => (await png(10, 10)).slice(0, -12), /truncated/],
    ['a truncated JPEG', async () => jpeg(10, 10).slice(0, -2), /truncated/],
    ['an empty body', async () => new Uint8Array(), /empty/],
    ['plain text', async () => new TextEncoder().encode('just some text'), /none of PNG/],
    [
      'a PNG signature with no header',
      async () => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 73, 69, 78, 68, 0, 0, 0, 0]),
      /width and height|truncated/,
    ],
  ] as const)('refuses %s with a 400 that says why, and stores nothing', async (_name, make, reason) => {
    const before = (await env.MEDIA.list()).objects.length;
    const response = await upload(await make(), 'contributor', 'image/png');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(reason);
    expect((await env.MEDIA.list()).objects.length).toBe(before);
  });

  it('refuses a body over the limit at the door (413), and no token (401)', async () => {
    const over = await call('/api/v1/admin/media', {
      method: 'POST',
      body: 'x',
      headers: { Authorization: `Bearer ${tokens.contributor}`, 'Content-Length': String(MAX_MEDIA_BYTES + 1) },
    });
    expect(over.status).toBe(413);
    const anonymous = await call('/api/v1/admin/media', { method: 'POST', body: pdf() });
    expect(anonymous.status).toBe(401);
    // The 1 MiB limit of other routes is untouched.
    const big = await call('/api/v1/admin/issues', {
      method: 'POST',
      body: 'x',
      headers: {
        Authorization: `Bearer ${tokens.contributor}`,
        'Content-Type': 'application/json',
        'Content-Length': String(2 * 1024 * 1024),
      },
    });
    expect(big.status).toBe(413);
  });

  it('answers 411 to a multipart upload that does not declare its length', async () => {
    const form = new FormData();
    form.set('file', new File([pdf()], 'a.pdf'));
    const encoded = new Response(form);
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    // A streamed body: the request carries no Content-Length.
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const response = await callModule('/api/v1/admin/media', {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${tokens.contributor}`, 'Content-Type': encoded.headers.get('Content-Type')! },
    });
    expect(response.status).toBe(411);
  });

  it('reads sizes from the files themselves (detectMedia)', async () => {
    expect(detectMedia(await png(1, 1))).toEqual({ ok: true, ext: 'png', width: 1, height: 1 });
    expect(detectMedia(webp(16383, 1))).toMatchObject({ ok: true, width: 16383, height: 1 });
  });
});

describe('serving', () => {
  let audio: Uploaded;
  let document: Uploaded;
  let image: Uploaded;
  beforeAll(async () => {
    audio = (await (await upload(mp3(100))).json()) as Uploaded;
    document = (await (await upload(pdf())).json()) as Uploaded;
    image = (await (await upload(await png(7, 7, [200, 0, 0]))).json()) as Uploaded;
  });

  it('is cached a day, strong-ETagged, nosniff, and never a page of ours', async () => {
    const response = await call(new URL(image.url).pathname);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=86400');
    expect(response.headers.get('ETag')).toBe(`"${image.sha256}"`);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Content-Security-Policy')).toContain('sandbox');
    expect(response.headers.get('Content-Disposition')).toBe(`inline; filename="${image.sha256}.png"`);
    const pdfAnswer = await call(new URL(document.url).pathname);
    expect(pdfAnswer.headers.get('Content-Disposition')).toBe(`attachment; filename="${document.sha256}.pdf"`);
    const revalidated = await call(new URL(image.url).pathname, { headers: { 'If-None-Match': `"${image.sha256}"` } });
    expect(revalidated.status).toBe(304);
  });

  it('answers Range requests with 206 and the exact bytes, and 416 outside the file', async () => {
    const whole = new Uint8Array(await (await call(new URL(audio.url).pathname)).arrayBuffer());
    const part = await call(new URL(audio.url).pathname, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('Content-Range')).toBe(`bytes 100-199/${audio.bytes}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(whole.slice(100, 200));
    const tail = await call(new URL(audio.url).pathname, { headers: { Range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(whole.slice(-10));
    const outside = await call(new URL(audio.url).pathname, { headers: { Range: `bytes=${audio.bytes + 10}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('Content-Range')).toBe(`bytes */${audio.bytes}`);
  });

  it('answers 404 for a name that is not a stored file', async () => {
    for (const path of ['/media/nothing.png', `/media/${'0'.repeat(64)}.png`, `/media/${image.sha256}.svg`, `/media/${image.sha256}.exe`]) {
      expect((await call(path)).status, path).toBe(404);
    }
  });
});

describe('the media list and deletion', () => {
  it('lists uploads with the issues that mention them, and deletes only what none mentions', async () => {
    const used = (await (await upload(await png(4, 4, [4, 4, 4]))).json()) as Uploaded;
    const unused = (await (await upload(await png(6, 6, [6, 6, 6]))).json()) as Uploaded;
    const editor = { Authorization: `Bearer ${tokens.editor}`, 'Content-Type': 'application/json' };
    const created = await call('/api/v1/admin/issues', {
      method: 'POST',
      headers: editor,
      body: JSON.stringify(makeIssue({ body: `![chart](${new URL(used.url).pathname})` })),
    });
    const issue = (await created.json()) as { id: string; slug: string; version: number };
    const list = (await (await call('/api/v1/admin/media?limit=50', { headers: editor })).json()) as {
      media: (Uploaded & { issues: { slug: string }[] })[];
    };
    expect(list.media.find((m) => m.sha256 === used.sha256)?.issues.map((i) => i.slug)).toEqual([issue.slug]);
    expect(list.media.find((m) => m.sha256 === unused.sha256)?.issues).toEqual([]);
    // A contributor sees only its own issues beside a file, never someone else's draft.
    const contributorList = (await (
      await call('/api/v1/admin/media?limit=50', { headers: { Authorization: `Bearer ${tokens.contributor}` } })
    ).json()) as { media: (Uploaded & { issues: { slug: string }[] })[] };
    expect(contributorList.media.find((m) => m.sha256 === used.sha256)?.issues).toEqual([]);

    const admin = { Authorization: `Bearer ${tokens.admin}` };
    expect(
      (await call(`/api/v1/admin/media/${unused.sha256}`, { method: 'DELETE', headers: { Authorization: `Bearer ${tokens.editor}` } }))
        .status,
    ).toBe(403);
    expect((await call(`/api/v1/admin/media/${used.sha256}`, { method: 'DELETE', headers: admin })).status).toBe(409);
    // Still mentioned by a revision after the body no longer mentions it: kept.
    await call(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      headers: { ...editor, 'Content-Type': 'application/merge-patch+json', 'If-Match': `"v${issue.version}"` },
      body: JSON.stringify({ body: 'No chart any more.' }),
    });
    expect((await call(`/api/v1/admin/media/${used.sha256}`, { method: 'DELETE', headers: admin })).status).toBe(409);
    const deleted = await call(`/api/v1/admin/media/${unused.sha256}`, { method: 'DELETE', headers: admin });
    expect(deleted.status).toBe(200);
    expect((await call(new URL(unused.url).pathname)).status).toBe(404);
    expect((await call(`/api/v1/admin/media/${unused.sha256}`, { method: 'DELETE', headers: admin })).status).toBe(404);
  });
});

describe('media in pages and embeds', () => {
  it('shows our images with their size, lazily, on the page and in the full embed; other images stay links in embeds', async () => {
    const chart = (await (await upload(await png(64, 48, [10, 20, 30]))).json()) as Uploaded;
    const path = new URL(chart.url).pathname;
    const editor = { Authorization: `Bearer ${tokens.editor}`, 'Content-Type': 'application/json' };
    const created = await call('/api/v1/admin/issues', {
      method: 'POST',
      headers: editor,
      body: JSON.stringify(makeIssue({ body: `![차트](${path})\n\n![외부](https://images.example/photo.png)` })),
    });
    const issue = (await created.json()) as { id: string; slug: string };
    expect((await call(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST', headers: editor })).status).toBe(200);

    const page = await (await call(`/issues/${issue.slug}`)).text();
    expect(page).toContain(`<img src="${path}" alt="차트" width="64" height="48" loading="lazy" decoding="async">`);
    expect(page).toContain('<img src="https://images.example/photo.png" alt="외부" loading="lazy" decoding="async">');

    const embed = await call(`/embed/${issue.slug}`);
    const embedHtml = await embed.text();
    expect(embedHtml).toContain(`<img src="${chart.url}" alt="차트" width="64" height="48" loading="lazy" decoding="async">`);
    expect(embedHtml).toContain('<a href="https://images.example/photo.png">🖼 외부</a>');
    expect(embed.headers.get('Content-Security-Policy')).toContain(`img-src data: ${ORIGIN}`);
    // The card shows no body images at all.
    expect(await (await call(`/embed/${issue.slug}?view=card`)).text()).not.toContain('<img');
  });
});

describe('a card’s cover', () => {
  it('shows the cover when it is one of our uploads, sized, and nothing for a cover elsewhere', async () => {
    const cover = (await (await upload(await png(80, 40, [80, 40, 0]))).json()) as Uploaded;
    const editor = { Authorization: `Bearer ${tokens.editor}`, 'Content-Type': 'application/json' };
    const publish = async (cover_image: string) => {
      const created = (await (
        await call('/api/v1/admin/issues', { method: 'POST', headers: editor, body: JSON.stringify(makeIssue({ cover_image })) })
      ).json()) as { id: string; slug: string };
      await call(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST', headers: editor });
      return created.slug;
    };
    const ours = await (await call(`/embed/${await publish(cover.url)}?view=card`)).text();
    expect(ours).toContain(`<img class="cover" src="${cover.url}" alt="" width="80" height="40" decoding="async">`);
    const elsewhere = await (await call(`/embed/${await publish('https://images.example/cover.png')}?view=card`)).text();
    expect(elsewhere).not.toContain('<img');
  });
});
