import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOUND_MS } from '../../src/domain/freshness';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, expectProblem, mintToken, ORIGIN } from '../helpers';
import { pushedSeed } from '../support/seed-media';

let editor: ReturnType<typeof editorClient>;
const SEED_SLUG = 'openai가-google-cloud와-손을-잡았습니다';
const seedPath = `/issues/${encodeURIComponent(SEED_SLUG)}`;

async function publishNew(body: string, contentType = 'application/json') {
  const created = (await (
    await editor('/api/v1/admin/issues', { method: 'POST', body, headers: { 'Content-Type': contentType } })
  ).json()) as { id: string; slug: string };
  await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' });
  return created;
}

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  await publishNew(await pushedSeed(editor), 'text/markdown');
  for (let i = 1; i <= 22; i++) await publishNew(JSON.stringify(makeIssue({ title: `페이지 이슈 ${i}`, tags: ['paged'] })));
  await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ title: '보이면 안 되는 초안' }) });
});

const text = async (path: string) => {
  const response = await call(path);
  expect(response.status).toBe(200);
  return { response, body: await response.text() };
};

describe('the issue page', () => {
  it('reads like the email: summary points, emoji sections, teaser cards, news briefs and the feedback call', async () => {
    const { body } = await text(seedPath);
    expect(body).toContain('<h1>OpenAI가 Google Cloud와 손을 잡았습니다</h1>');
    expect(body).toContain('<h2>📎 3줄 요약</h2><ol><li>OpenAI와 Google Cloud의 파트너쉽, 그 배경은?</li>');
    expect(body).toContain('<h2>🤝 경쟁도 협력도 인프라에 달렸다</h2>');
    expect(body).toContain('<article class="teaser"><h3>생성형 AI란?</h3>');
    expect(body).toContain('<h2>📰 뉴스 브리핑</h2>');
    expect(body).toContain('피드백을 남겨주세요!');
  });

  it('writes dates the Korean way in the site time zone', async () => {
    // 20:00 UTC on 1 March is 05:00 on 2 March in Seoul: a date written in UTC would say 1일.
    const { id, slug } = await publishNew(JSON.stringify(makeIssue()));
    await env.DB.batch([
      env.DB.prepare("UPDATE issues SET published_at = '2026-03-01T20:00:00.000Z' WHERE id = ?").bind(id),
      env.DB.prepare("UPDATE site_state SET value = value + 1 WHERE key = 'generation'"),
    ]);
    await new Promise((resolve) => setTimeout(resolve, BOUND_MS + 100)); // past the freshness bound
    const { body } = await text(`/issues/${encodeURIComponent(slug)}`);
    expect(body).toMatch(/<time datetime="2026-03-01T20:00:00(?:\.000)?Z">2026년 3월 2일<\/time>/);
  }, 15_000);

  it('carries canonical, feed discovery, oEmbed discovery, OpenGraph, Twitter and JSON-LD NewsArticle', async () => {
    const { body } = await text(seedPath);
    const url = `${ORIGIN}${seedPath}`;
    expect(body).toContain(`<link rel="canonical" href="${url}">`);
    expect(body).toContain(`<link rel="alternate" type="application/rss+xml" title="엔레터 (RSS)" href="${ORIGIN}/feed.xml">`);
    expect(body).toContain(
      `<link rel="alternate" type="application/json+oembed" href="${ORIGIN}/oembed?url=${encodeURIComponent(url)}&#38;format=json"`,
    );
    expect(body).toContain('<meta property="og:title" content="OpenAI가 Google Cloud와 손을 잡았습니다">');
    expect(body).toContain('<meta property="og:type" content="article">');
    // The seed's cover, uploaded as npm run push uploads it.
    expect(body).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(body).toMatch(new RegExp(`<meta property="og:image" content="${ORIGIN}/media/[0-9a-f]{64}\\.png">`));
    expect(body).toContain('<meta property="og:image:alt" content="엔레터 #1 표지: OpenAI × Google Cloud');
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)![1]!) as Record<string, unknown>;
    expect(jsonLd).toMatchObject({ '@type': 'NewsArticle', headline: 'OpenAI가 Google Cloud와 손을 잡았습니다', inLanguage: 'ko' });
  });

  it('runs no script, allows only its hashed CSS, and refuses framing', async () => {
    const { response, body } = await text(seedPath);
    const csp = response.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect(body).not.toMatch(/<script(?! type="application\/ld\+json")/);
  });

  it('escapes what editors write', async () => {
    const created = await publishNew(
      JSON.stringify(makeIssue({ title: '<script>alert(1)</script> & "따옴표"', summary: ['<img src=x onerror=alert(1)>'] })),
    );
    const { body } = await text(`/issues/${encodeURIComponent(created.slug)}`);
    expect(body).toContain('<h1>&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;따옴표&#34;</h1>');
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('<script>alert');
  });

  it('answers 304 to its ETag and 404 for a draft or unknown slug', async () => {
    const { response } = await text(seedPath);
    expect((await call(seedPath, { headers: { 'If-None-Match': response.headers.get('ETag')! } })).status).toBe(304);
    await expectProblem(await call('/issues/보이면-안-되는-초안'), 404);
  });
});

describe('archives', () => {
  it('list published issues newest first with feed discovery, and page with a cursor', async () => {
    const { body } = await text('/');
    expect(body).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(body).not.toContain('보이면 안 되는 초안');
    expect(body.indexOf('페이지 이슈 22')).toBeLessThan(body.indexOf('페이지 이슈 21'));
    const older = /<a href="([^"]+)" rel="next">/.exec(body)?.[1]?.replaceAll('&#38;', '&');
    expect(older).toMatch(/^http:\/\/127\.0\.0\.1:8787\/\?cursor=/);
    const second = await text(older!.replace(ORIGIN, ''));
    expect(second.body).toContain(SEED_SLUG.slice(0, 6));
    expect(second.body).toContain('← 최신 이슈');
  });

  it('serve each tag, with its own feeds, and 404 for a tag without issues', async () => {
    const { body } = await text(`/tags/${encodeURIComponent('클라우드')}`);
    expect(body).toContain('<h1>#클라우드</h1>');
    expect(body).toContain(`href="${ORIGIN}/tags/${encodeURIComponent('클라우드')}/feed.xml"`);
    await expectProblem(await call('/tags/nothing-here'), 404);
  });
});

describe('embeds', () => {
  it('serve a self-contained full issue under 30 KB, framed only by partner origins', async () => {
    const { response, body } = await text(`/embed/${encodeURIComponent(SEED_SLUG)}`);
    expect(new TextEncoder().encode(body).byteLength).toBeLessThan(30 * 1024);
    const csp = response.headers.get('Content-Security-Policy')!;
    expect(csp).toMatch(/frame-ancestors https:\/\/partner\.example http:\/\/127\.0\.0\.1:9(;|$)/);
    expect(csp).toMatch(/script-src 'sha256-[^']+'/);
    expect(csp).toContain('img-src data:');
    expect(response.headers.get('X-Frame-Options')).toBeNull();
    expect(response.headers.get('Set-Cookie')).toBeNull();
    expect(body).toContain('<base target="_blank">');
    expect(body).not.toMatch(/<(?:link|iframe)\b/);
    // Images only from our own /media/ (the cover and the figure), which the embed's CSP allows.
    const sources = [...body.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map((m) => m[1]);
    expect(sources).toHaveLength(2);
    for (const src of sources) expect(src).toMatch(new RegExp(`^${ORIGIN}/media/[0-9a-f]{64}\\.png$`));
    expect(body).toContain('<h2>📎 3줄 요약</h2>');
    const script = /<script>(.*?)<\/script>/s.exec(body)![1]!;
    expect(new TextEncoder().encode(script).byteLength).toBeLessThan(1024);
  });

  it('serve a card under 6 KB with title, summary points and a link', async () => {
    const { body } = await text(`/embed/${encodeURIComponent(SEED_SLUG)}?view=card&theme=dark`);
    expect(new TextEncoder().encode(body).byteLength).toBeLessThan(6 * 1024);
    expect(body).toContain('<html lang="ko" class="dark">');
    expect(body).toContain('<li>결국은 중요한 건 기술보다 전략!</li>');
    expect(body).toContain(`href="${ORIGIN}${seedPath}"`);
    expect(body).not.toContain('뉴스 브리핑');
  });

  it('turn images into links so the embed makes no request of its own', async () => {
    const created = await publishNew(JSON.stringify(makeIssue({ body: '![차트](https://cdn.example/chart.png)' })));
    const { body } = await text(`/embed/${encodeURIComponent(created.slug)}`);
    expect(body).toContain('<a href="https://cdn.example/chart.png">🖼 차트</a>');
    expect(body).not.toContain('<img');
  });

  it('refuse unknown views and themes', async () => {
    await expectProblem(await call(`/embed/${encodeURIComponent(SEED_SLUG)}?view=poster`), 400);
    await expectProblem(await call(`/embed/${encodeURIComponent(SEED_SLUG)}?theme=blue`), 400);
  });

  it('serve the partner snippet', async () => {
    const { response, body } = await text('/embed.js');
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(body).toContain('e.source');
  });
});

describe('oEmbed', () => {
  const page = encodeURIComponent(`${ORIGIN}${seedPath}`);

  it('answers a rich JSON response within maxwidth and maxheight', async () => {
    const { body } = await text(`/oembed?url=${page}&maxwidth=400&maxheight=300`);
    const oembed = JSON.parse(body) as Record<string, any>;
    expect(oembed).toMatchObject({
      version: '1.0',
      type: 'rich',
      provider_name: '엔레터',
      width: 400,
      height: 300,
      title: 'OpenAI가 Google Cloud와 손을 잡았습니다',
    });
    expect(oembed.html).toContain(`src="${ORIGIN}/embed/${encodeURIComponent(SEED_SLUG)}"`);
    expect(oembed.html).toContain('width="400" height="300"');
  });

  it('answers XML', async () => {
    const { response, body } = await text(`/oembed?url=${page}&format=xml`);
    expect(response.headers.get('Content-Type')).toBe('text/xml; charset=utf-8');
    expect(body).toContain('<type>rich</type>');
    expect(body).toContain('<width>600</width>');
  });

  it('answers 404 for an unknown URL, 501 for an unknown format and 400 without a URL', async () => {
    await expectProblem(await call(`/oembed?url=${encodeURIComponent(`${ORIGIN}/issues/없는-이슈`)}`), 404);
    await expectProblem(await call(`/oembed?url=${encodeURIComponent('https://elsewhere.example/issues/x')}`), 404);
    await expectProblem(await call(`/oembed?url=${page}&format=yaml`), 501);
    await expectProblem(await call('/oembed'), 400);
    await expectProblem(await call(`/oembed?url=${page}&maxwidth=-5`), 400);
  });
});
