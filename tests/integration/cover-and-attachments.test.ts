import { env } from 'cloudflare:workers';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, callModule, expectProblem, mintToken, ORIGIN } from '../helpers';
import { mp3, pdf, png } from '../support/media-files';

/**
 * An issue's cover (one image and its alt text) and its attachments (files with their type and
 * length), through the API, pages, embeds and the three feeds (README, "Images and files").
 */
let editor: Record<string, string>;
let admin: Record<string, string>;
beforeAll(async () => {
  editor = { Authorization: `Bearer ${await mintToken('editor')}`, 'Content-Type': 'application/json' };
  admin = { Authorization: `Bearer ${await mintToken('admin')}` };
});

interface Uploaded {
  url: string;
  sha256: string;
  bytes: number;
}
interface IssueJson {
  id: string;
  slug: string;
  version: number;
  cover: { url: string; alt: string } | null;
  cover_image: string | null;
  attachments: { url: string; title: string | null; content_type: string; bytes: number }[];
}

const upload = async (file: Uint8Array) =>
  (await (
    await call('/api/v1/admin/media', {
      method: 'POST',
      body: file,
      headers: { Authorization: editor.Authorization!, 'Content-Type': 'x/y' },
    })
  ).json()) as Uploaded;

const create = (fields: Record<string, unknown>) =>
  call('/api/v1/admin/issues', { method: 'POST', headers: editor, body: JSON.stringify(makeIssue(fields)) });

async function publish(fields: Record<string, unknown>): Promise<IssueJson> {
  const created = await create(fields);
  expect(created.status).toBe(201);
  const issue = (await created.json()) as IssueJson;
  expect((await call(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST', headers: editor })).status).toBe(200);
  return issue;
}

const patch = (issue: IssueJson, body: Record<string, unknown>) =>
  call(`/api/v1/admin/issues/${issue.id}`, {
    method: 'PATCH',
    headers: { ...editor, 'Content-Type': 'application/merge-patch+json', 'If-Match': `"v${issue.version}"` },
    body: JSON.stringify(body),
  });

describe('the cover', () => {
  it('is an image and its alt text, also answered as cover_image for older clients', async () => {
    const issue = (await (await create({ cover: { url: 'https://images.example/c.png', alt: '서버실 사진' } })).json()) as IssueJson;
    expect(issue.cover).toEqual({ url: 'https://images.example/c.png', alt: '서버실 사진' });
    expect(issue.cover_image).toBe('https://images.example/c.png');
    // The older spelling alone still sets it, with no alt text.
    const older = (await (await create({ cover_image: 'https://images.example/d.png' })).json()) as IssueJson;
    expect(older.cover).toEqual({ url: 'https://images.example/d.png', alt: '' });
  });

  it('refuses the two spellings when they differ, and accepts them when they agree (an issue read and sent back)', async () => {
    const differ = await create({ cover: { url: 'https://images.example/a.png', alt: 'a' }, cover_image: 'https://images.example/b.png' });
    expect((await expectProblem(differ, 400)).errors!.map((e: { path: string }) => e.path)).toEqual(['/cover_image']);
    const agree = await create({ cover: { url: 'https://images.example/a.png', alt: 'a' }, cover_image: 'https://images.example/a.png' });
    expect(agree.status).toBe(201);
    const bad = await create({ cover: { url: 'javascript:alert(1)', alt: 'x\ny' } });
    expect((await expectProblem(bad, 400)).errors!.map((e: { path: string }) => e.path).sort()).toEqual(['/cover/alt', '/cover/url']);
  });

  it('keeps its alt text when a patch names the same address as cover_image, and drops it for a new one', async () => {
    const issue = (await (await create({ cover: { url: 'https://images.example/a.png', alt: '그림' } })).json()) as IssueJson;
    const same = (await (await patch(issue, { cover_image: 'https://images.example/a.png', title: '새 제목' })).json()) as IssueJson;
    expect(same.cover).toEqual({ url: 'https://images.example/a.png', alt: '그림' });
    const moved = (await (await patch(same, { cover_image: 'https://images.example/b.png' })).json()) as IssueJson;
    expect(moved.cover).toEqual({ url: 'https://images.example/b.png', alt: '' });
    const removed = (await (await patch(moved, { cover: null })).json()) as IssueJson;
    expect([removed.cover, removed.cover_image]).toEqual([null, null]);
  });

  it('merges a patch member by member (RFC 7386): alt alone, url alone, alt null', async () => {
    const issue = (await (await create({ cover: { url: 'https://images.example/a.png', alt: '처음' } })).json()) as IssueJson;
    const alt = (await (await patch(issue, { cover: { alt: '고친 설명' } })).json()) as IssueJson;
    expect(alt.cover).toEqual({ url: 'https://images.example/a.png', alt: '고친 설명' });
    const same = (await (await patch(alt, { cover: { url: 'https://images.example/a.png' } })).json()) as IssueJson;
    expect(same.version).toBe(alt.version);
    const moved = (await (await patch(alt, { cover: { url: 'https://images.example/b.png' } })).json()) as IssueJson;
    expect(moved.cover).toEqual({ url: 'https://images.example/b.png', alt: '' });
    const named = (await (await patch(moved, { cover: { alt: '이름' } })).json()) as IssueJson;
    const cleared = (await (await patch(named, { cover: { alt: null } })).json()) as IssueJson;
    expect(cleared.cover).toEqual({ url: 'https://images.example/b.png', alt: '' });
    const bare = (await (await create({})).json()) as IssueJson;
    const refused = await patch(bare, { cover: { alt: '주소 없음' } });
    expect((await expectProblem(refused, 400)).errors!.map((e: { path: string }) => e.path)).toEqual(['/cover/url']);
  });

  it('must be an image when it is one of our uploads, and one that is here', async () => {
    const audio = await upload(mp3(65));
    const notImage = await create({ cover: { url: audio.url, alt: '' } });
    const problem = await expectProblem(notImage, 400);
    expect(problem.errors).toEqual([
      { path: '/cover/url', message: 'must be an image (PNG, JPEG, GIF, WebP or AVIF); this upload is audio/mpeg' },
    ]);
    const missing = await create({ cover_image: `${ORIGIN}/media/${'1'.repeat(64)}.png` });
    expect((await expectProblem(missing, 400)).errors!.map((e: { path: string }) => e.path)).toEqual(['/cover_image']);
    const issue = (await (await create({})).json()) as IssueJson;
    expect((await patch(issue, { cover: { url: audio.url } })).status).toBe(400);
  });

  it('is shown atop the page with its alt text, and given to Open Graph and JSON-LD', async () => {
    const image = await upload(await png(1600, 900));
    const issue = await publish({ cover: { url: image.url, alt: '"따옴표" & <꺾쇠>' } });
    const page = await (await call(`/issues/${issue.slug}`)).text();
    expect(page).toContain(
      `<img class="cover" src="${image.url}" alt="&#34;따옴표&#34; &#38; &#60;꺾쇠&#62;" width="1600" height="900" decoding="async">`,
    );
    expect(page).toContain(`<meta property="og:image" content="${image.url}">`);
    expect(page).toContain('<meta property="og:image:alt" content="&#34;따옴표&#34; &#38; &#60;꺾쇠&#62;">');
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page)![1]!) as { image: string[] };
    expect(jsonLd.image).toEqual([image.url]);
    // The full embed shows our own cover too, and no srcset while transformations are off.
    const embed = await (await call(`/embed/${issue.slug}`)).text();
    expect(embed).toContain(`<img class="cover" src="${image.url}" alt="&#34;따옴표&#34; &#38; &#60;꺾쇠&#62;" width="1600" height="900"`);
    expect(embed).not.toContain('srcset');
  });
});

describe('attachments', () => {
  it('take their type and length from the upload, and need both for a file elsewhere', async () => {
    const episode = await upload(mp3(60));
    const issue = (await (
      await create({
        attachments: [
          { url: episode.url, title: '오디오 버전' },
          { url: 'https://cdn.example/report.pdf', content_type: 'application/pdf', bytes: 123456 },
        ],
      })
    ).json()) as IssueJson;
    expect(issue.attachments).toEqual([
      { url: episode.url, title: '오디오 버전', content_type: 'audio/mpeg', bytes: episode.bytes },
      { url: 'https://cdn.example/report.pdf', title: null, content_type: 'application/pdf', bytes: 123456 },
    ]);
  });

  it('refuses, naming each field: a file not uploaded here, a type or length that is not the upload’s, a file elsewhere without them', async () => {
    const episode = await upload(mp3(61));
    const missing = `${ORIGIN}/media/${'0'.repeat(64)}.mp3`;
    const wrongExt = episode.url.replace(/\.mp3$/, '.m4a');
    const response = await create({
      attachments: [
        { url: missing },
        { url: episode.url, content_type: 'audio/mp4', bytes: episode.bytes + 1 },
        { url: 'https://cdn.example/a.mp3' },
        { url: wrongExt },
        { url: 'https://cdn.example/b.mp3', content_type: 'not a type', bytes: -1 },
      ],
    });
    const problem = await expectProblem(response, 400);
    expect(problem.errors!.map((e: { path: string }) => e.path).sort()).toEqual(
      ['/attachments/4/bytes', '/attachments/4/content_type'].sort(),
    );
    // Once the shapes are right, what only the media index can say.
    const second = await create({
      attachments: [
        { url: missing },
        { url: episode.url, content_type: 'audio/mp4', bytes: episode.bytes + 1 },
        { url: 'https://cdn.example/a.mp3' },
        { url: wrongExt },
      ],
    });
    expect((await expectProblem(second, 400)).errors!.map((e: { path: string }) => e.path)).toEqual([
      '/attachments/0/url',
      '/attachments/1/content_type',
      '/attachments/1/bytes',
      '/attachments/2/content_type',
      '/attachments/2/bytes',
      '/attachments/3/url',
    ]);
  });

  it('keep their upload from being deleted', async () => {
    const file = await upload(pdf());
    await create({ attachments: [{ url: file.url }] });
    const refused = await call(`/api/v1/admin/media/${file.sha256}`, { method: 'DELETE', headers: admin });
    expect(refused.status).toBe(409);
  });

  it('are listed on the page with a player for audio, and as links alone in the full embed', async () => {
    const episode = await upload(mp3(62));
    const issue = await publish({ attachments: [{ url: episode.url, title: '듣기 <1화>' }] });
    const page = await (await call(`/issues/${issue.slug}`)).text();
    expect(page).toContain(`<a href="${episode.url}" type="audio/mpeg">듣기 &#60;1화&#62;</a>`);
    expect(page).toContain(`<audio controls preload="none" src="${episode.url}"></audio>`);
    const embed = await (await call(`/embed/${issue.slug}`)).text();
    expect(embed).toContain(`<a href="${episode.url}" type="audio/mpeg">듣기 &#60;1화&#62;</a>`);
    expect(embed).not.toContain('<audio');
  });
});

describe('addresses and types as stored', () => {
  it('keep a URL in its parsed form, so an upload named with `..` is still found in use (a tab is refused)', async () => {
    const file = await upload(mp3(64));
    const hash = file.url.split('/').pop()!;
    const image = (await upload(await png(10, 10, [4, 5, 6]))).url.split('/').pop()!;
    const issue = (await (
      await create({
        cover: { url: `${ORIGIN.replace('http://', 'HTTP://')}/media/x/../${image}`, alt: '' },
        attachments: [{ url: `${ORIGIN}/media/sub/../${hash}` }],
      })
    ).json()) as IssueJson;
    const tabbed = await create({ attachments: [{ url: `${ORIGIN}/me\tdia/${hash}` }] });
    expect((await expectProblem(tabbed, 400)).errors!.map((e: { path: string }) => e.path)).toEqual(['/attachments/0/url']);
    expect(issue.attachments[0]!.url).toBe(file.url);
    expect(issue.cover!.url).toBe(`${ORIGIN}/media/${image}`);
    const refused = await call(`/api/v1/admin/media/${file.sha256}`, { method: 'DELETE', headers: admin });
    expect(refused.status).toBe(409);
  });

  it('refuse a media type with characters that would need escaping in XML or HTML', async () => {
    for (const content_type of ['audio/x&y', 'audio/x<y', 'audio/"x"', 'audio/x#y']) {
      const response = await create({ attachments: [{ url: 'https://cdn.example/a.mp3', content_type, bytes: 1 }] });
      expect((await expectProblem(response, 400)).errors!.map((e: { path: string }) => e.path)).toEqual(['/attachments/0/content_type']);
    }
  });

  it('make well-formed feeds when the first attachment is a file elsewhere with & in its address and title', async () => {
    await publish({
      title: '바깥 파일이 먼저인 호',
      attachments: [{ url: 'https://cdn.example/ep.mp3?a=1&b=<2>', title: 'A & B <1> "q" ]]>', content_type: 'audio/mpeg', bytes: 5 }],
    });
    for (const path of ['/feed.xml', '/atom.xml']) {
      const xml = await (await call(path)).text();
      expect(XMLValidator.validate(xml), path).toBe(true);
    }
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true });
    const items = ([] as Record<string, unknown>[]).concat(parser.parse(await (await call('/feed.xml')).text()).rss.channel.item);
    const item = items.find((i) => String(i.title).includes('바깥 파일이 먼저인 호'))!;
    expect(item.enclosure).toEqual({ url: 'https://cdn.example/ep.mp3?a=1&b=%3C2%3E', length: '5', type: 'audio/mpeg' });
  });
});

describe('feeds', () => {
  it('carry the cover and attachments: RSS enclosure and media:content, Atom enclosure links, JSON Feed image and attachments', async () => {
    const cover = await upload(await png(1200, 630, [1, 2, 3]));
    const episode = await upload(mp3(63));
    await publish({
      title: '첨부가 있는 호',
      cover: { url: cover.url, alt: '표지 & 그림' },
      attachments: [
        { url: episode.url, title: '오디오 & 대본' },
        { url: 'https://cdn.example/x.pdf?a=1&b=2', content_type: 'application/pdf', bytes: 999 },
      ],
    });
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true });

    const rssText = await (await call('/feed.xml')).text();
    expect(XMLValidator.validate(rssText)).toBe(true);
    const items = ([] as Record<string, unknown>[]).concat(parser.parse(rssText).rss.channel.item);
    const item = items.find((i) => String((i.title as string) ?? '').includes('첨부가 있는 호'))!;
    // One enclosure per item, the first attachment, typed and sized by the upload.
    expect(item.enclosure).toEqual({ url: episode.url, length: String(episode.bytes), type: 'audio/mpeg' });
    expect(item['media:content']).toEqual({
      url: cover.url,
      medium: 'image',
      type: 'image/png',
      'media:description': { type: 'plain', '#text': '표지 & 그림' },
    });

    const atomText = await (await call('/atom.xml')).text();
    expect(XMLValidator.validate(atomText)).toBe(true);
    const entries = ([] as Record<string, unknown>[]).concat(parser.parse(atomText).feed.entry);
    const entry = entries.find((e) => JSON.stringify(e.title).includes('첨부가 있는 호'))!;
    const links = ([] as Record<string, string>[]).concat(entry.link as Record<string, string>);
    // The files first (podcast clients take the first enclosure as the episode), then the cover.
    expect(links.filter((l) => l.rel === 'enclosure')).toEqual([
      { rel: 'enclosure', href: episode.url, type: 'audio/mpeg', length: String(episode.bytes), title: '오디오 & 대본' },
      { rel: 'enclosure', href: 'https://cdn.example/x.pdf?a=1&b=2', type: 'application/pdf', length: '999' },
      { rel: 'enclosure', href: cover.url, type: 'image/png', title: '표지 & 그림' },
    ]);
    // Each entry's enclosures are its own.
    for (const other of entries.filter((e) => e !== entry)) expect(JSON.stringify(other.link)).not.toContain(episode.url);

    const json = (await (await call('/feed.json')).json()) as { items: Record<string, unknown>[] };
    const jsonItem = json.items.find((i) => i.title === '첨부가 있는 호')!;
    expect(jsonItem.image).toBe(cover.url);
    expect(jsonItem.attachments).toEqual([
      { url: episode.url, mime_type: 'audio/mpeg', title: '오디오 & 대본', size_in_bytes: episode.bytes },
      { url: 'https://cdn.example/x.pdf?a=1&b=2', mime_type: 'application/pdf', size_in_bytes: 999 },
    ]);
  });
});

describe('Cloudflare Images transformations (IMAGE_TRANSFORMS)', () => {
  it('offer our images in smaller widths as a srcset when on, and never for an image elsewhere or one already small', async () => {
    const wide = await upload(await png(1000, 500, [9, 9, 9]));
    const small = await upload(await png(300, 200, [8, 8, 8]));
    const issue = await publish({
      cover: { url: wide.url, alt: '' },
      body: `![넓은](${wide.url})\n\n![작은](${small.url})\n\n![남의](https://images.example/wide.png)\n`,
    });
    const on = { IMAGE_TRANSFORMS: 'on' } as Partial<Env>;
    const page = await (await callModule(`/issues/${issue.slug}`, {}, on)).text();
    const path = new URL(wide.url).pathname.slice(1);
    const srcset = `${ORIGIN}/cdn-cgi/image/width=480,fit=scale-down,format=auto/${path} 480w, ${ORIGIN}/cdn-cgi/image/width=960,fit=scale-down,format=auto/${path} 960w, ${wide.url} 1000w`;
    expect(page).toContain(
      `<img src="${wide.url}" alt="넓은" width="1000" height="500" srcset="${srcset}" sizes="(max-width: 44rem) 100vw, 42rem" loading="lazy" decoding="async">`,
    );
    expect(page).toContain(`<img class="cover" src="${wide.url}" alt="" width="1000" height="500" srcset="${srcset}"`);
    expect(page).toContain(`<img src="${small.url}" alt="작은" width="300" height="200" loading="lazy" decoding="async">`);
    expect(page).toContain('<img src="https://images.example/wide.png" alt="남의" loading="lazy" decoding="async">');
    const embed = await (await callModule(`/embed/${issue.slug}`, {}, on)).text();
    expect(embed).toContain(`srcset="${srcset}" sizes="100vw"`);
    // Off (the default): the original alone.
    expect(await (await call(`/issues/${issue.slug}`)).text()).not.toContain('srcset');
  });
});

describe('revisions', () => {
  it('restore a snapshot saved before covers had alt text (cover_image alone)', async () => {
    const issue = (await (await create({ cover: { url: 'https://images.example/new.png', alt: '새' } })).json()) as IssueJson;
    const snapshot = JSON.parse(
      (await env.DB.prepare('SELECT snapshot FROM revisions WHERE issue_id = ? AND n = 1').bind(issue.id).first<{ snapshot: string }>())!
        .snapshot,
    ) as Record<string, unknown>;
    const { cover: _cover, attachments: _attachments, ...old } = snapshot;
    await env.DB.prepare('UPDATE revisions SET snapshot = ? WHERE issue_id = ? AND n = 1')
      .bind(JSON.stringify({ ...old, cover_image: 'https://images.example/old.png' }), issue.id)
      .run();
    const restored = await call(`/api/v1/admin/issues/${issue.id}/revisions/1/restore`, { method: 'POST', headers: editor });
    expect(restored.status).toBe(200);
    const body = (await restored.json()) as IssueJson;
    expect([body.cover, body.attachments]).toEqual([{ url: 'https://images.example/old.png', alt: '' }, []]);
  });
});
