// `npm run test:browser`: Debian's Chromium, driven by playwright-core, against the built Worker
// on workerd. A partner page on another localhost origin embeds an issue and the iframe follows
// its content's height; XSS payloads never run on the issue page, the embed or the card; an origin
// that is not a partner cannot frame the embed; screenshots of the seed issue are saved.

import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startLocalWorker } from '../../scripts/lib/local-worker';
import { BOUND_MS } from '../../src/domain/freshness';
import { pushedSeedFile } from '../support/seed-node';
import { XSS_PAYLOADS } from './xss-payloads';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-results/screenshots';
const failures: string[] = [];
const check = (ok: boolean, message: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

/** A one-page site on its own localhost origin. */
async function serve(page: (src: string) => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const src = new URL(request.url ?? '/', 'http://x').searchParams.get('src');
    if (src === null || !URL.canParse(src)) response.writeHead(404).end();
    else response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(src));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The partner's page: the documented snippet, framing whatever `?src=` names. */
const partnerHtml = (src: string) => `<!doctype html><meta charset="utf-8"><title>Partner</title>
<h1>Partner site</h1>
<iframe id="embed" data-masthead src="${src}" sandbox="allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox" style="width:100%;border:0;height:150px"></iframe>
<script src="${new URL('/embed.js', src).href}" async></script>`;
const partner = await serve(partnerHtml);
const stranger = await serve(partnerHtml);
/** A partner on the managed list (added through the admin API below), not in PARTNER_ORIGINS. */
const listed = await serve(partnerHtml);

await mkdir(SHOTS, { recursive: true });
const worker = await startLocalWorker({ bindings: { PARTNER_ORIGINS: partner.origin } });
let browser: Browser | undefined;
try {
  const token = await worker.token('editor');
  const api = async (path: string, body: string, contentType = 'application/json') =>
    fetch(`${worker.url}${path}`, { method: 'POST', body, headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType } });
  const publish = async (body: string, contentType = 'application/json'): Promise<string | null> => {
    const created = await api('/api/v1/admin/issues', body, contentType);
    if (created.status !== 201) return null;
    const { id, slug } = (await created.json()) as { id: string; slug: string };
    await api(`/api/v1/admin/issues/${id}/publish`, '');
    return slug;
  };
  const seedSlug = (await publish(await pushedSeedFile(worker.url, token), 'text/markdown'))!;

  // XSS payloads in every field an editor writes. A payload a field refuses (a tag must be letters
  // and digits, a URL must be http or https) is counted as stopped at the door.
  const xssSlugs: string[] = [];
  let refused = 0;
  for (const [i, payload] of XSS_PAYLOADS.entries()) {
    const slug = await publish(
      JSON.stringify({
        title: `XSS ${i} ${payload}`.slice(0, 200),
        slug: `xss-${i}`,
        subtitle: payload,
        summary: [payload, `요점 ${payload}`],
        body: `# ${payload}\n\n${payload}\n\n[링크](${payload}) <a href="${payload}">a</a>\n\n> ${payload}`,
        teasers: [{ title: payload, excerpt: payload }],
        authors: [{ name: payload.slice(0, 100) }],
      }),
    );
    if (slug === null) failures.push(`payload ${i} was refused in text fields, where it should be stored as text`);
    else xssSlugs.push(slug);
    for (const field of [{ tags: [payload] }, { canonical_url: payload }, { teasers: [{ title: 't', url: payload }] }]) {
      const response = await api('/api/v1/admin/issues', JSON.stringify({ title: `refused ${i}`, body: 'x', ...field }));
      if (response.status === 400) refused += 1;
      else if (response.status === 201) xssSlugs.push(((await response.json()) as { slug: string }).slug);
    }
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext();
  let dialogs = 0;
  await context.addInitScript(() => {
    const flag = () => ((globalThis as { __xss?: number }).__xss = 1);
    globalThis.alert = flag;
    globalThis.confirm = () => (flag(), true);
    globalThis.prompt = () => (flag(), null);
  });
  const page: Page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs += 1;
    void dialog.dismiss();
  });

  /** Whether a payload ran since `dialogsBefore`: the hooked flag is set, or a real dialog opened. */
  const payloadRan = async (dialogsBefore: number) =>
    dialogs > dialogsBefore || (await page.evaluate(() => (globalThis as { __xss?: number }).__xss === 1));

  // The detector itself: a page without our CSP that does run a payload must be caught.
  await page.setContent('<img src=x onerror=alert(1)>');
  await page.waitForTimeout(100);
  check(await payloadRan(0), 'the XSS detector catches a payload that runs (control page without our CSP)');
  const dialogsBefore = dialogs;

  // 1. XSS: the issue page, the embed and the card of every issue that stored a payload.
  let visits = 0;
  let executed = 0;
  for (const slug of xssSlugs) {
    for (const path of [`/issues/${slug}`, `/embed/${slug}`, `/embed/${slug}?view=card`]) {
      await page.goto(`${worker.url}${path}`, { waitUntil: 'load' });
      await page.waitForTimeout(20);
      const ran = await payloadRan(dialogsBefore + executed);
      visits += 1;
      if (ran) {
        executed += 1;
        failures.push(`a payload ran on ${path}`);
      }
    }
  }
  // The search page: each payload as what is searched for (shown back in the box and the heading),
  // and the payloads' issues as results (their titles, summaries and text, with the terms marked).
  const searches = [...XSS_PAYLOADS.map((payload) => payload.slice(0, 200)), 'XSS', '요점', 'alert', 'script', 'img onerror'];
  for (const q of searches) {
    const path = `/search?q=${encodeURIComponent(q)}`;
    await page.goto(`${worker.url}${path}`, { waitUntil: 'load' });
    await page.waitForTimeout(20);
    visits += 1;
    if (await payloadRan(dialogsBefore + executed)) {
      executed += 1;
      failures.push(`a payload ran on ${path}`);
    }
  }
  check(
    executed === 0,
    `${XSS_PAYLOADS.length} XSS payloads: ${xssSlugs.length} issues stored them, ${refused} placements were refused at the door; ${visits} page loads (issue page, embed, card, and ${searches.length} searches), ${executed} executions, ${dialogs - dialogsBefore} dialogs`,
  );

  // 2. A partner page embeds the seed issue; the iframe follows its content's height.
  const embedUrl = `${worker.url}/embed/${encodeURIComponent(seedSlug)}`;
  const framing = (site: string, src: string) => `${site}/?src=${encodeURIComponent(src)}`;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(framing(partner.origin, embedUrl), { waitUntil: 'load' });
  const frameHeight = async () => page.$eval('#embed', (el) => (el as HTMLIFrameElement).getBoundingClientRect().height);
  const contentHeight = async () => (await (await page.$('#embed'))!.contentFrame())!.evaluate(() => document.documentElement.scrollHeight);
  const settle = async () => {
    for (let i = 0; i < 50; i++) {
      if (Math.abs((await frameHeight()) - (await contentHeight())) <= 1) return;
      await page.waitForTimeout(100);
    }
  };
  await settle();
  const wide = { frame: await frameHeight(), content: await contentHeight() };
  check(
    wide.frame > 150 && Math.abs(wide.frame - wide.content) <= 1,
    `partner page at 1280px: iframe ${wide.frame}px for content of ${wide.content}px`,
  );
  await page.setViewportSize({ width: 390, height: 844 });
  await settle();
  const narrow = { frame: await frameHeight(), content: await contentHeight() };
  check(
    narrow.frame > wide.frame && Math.abs(narrow.frame - narrow.content) <= 1,
    `partner page at 390px: iframe grew to ${narrow.frame}px for content of ${narrow.content}px`,
  );
  const origin = await (await page.$('#embed'))!.contentFrame().then((f) => f!.evaluate(() => self.origin));
  check(origin === 'null', `the sandboxed embed's origin reads "${origin}", and the snippet still found its frame`);

  // 3. Framing: a stranger cannot frame the embed, and no one can frame the issue page.
  const blocked = async (site: string, src: string, shows = 'OpenAI') => {
    await page.goto(framing(site, src), { waitUntil: 'load' });
    await page.waitForTimeout(300);
    const frame = await (await page.$('#embed'))!.contentFrame();
    const title = await frame!.evaluate(() => document.querySelector('h1')?.textContent ?? '').catch(() => '');
    return { shown: title.includes(shows), url: frame!.url() };
  };
  const byStranger = await blocked(stranger.origin, embedUrl);
  check(!byStranger.shown, `an origin not on the partner list cannot frame the embed (frame shows ${byStranger.url})`);
  const pageByPartner = await blocked(partner.origin, `${worker.url}/issues/${encodeURIComponent(seedSlug)}`);
  check(!pageByPartner.shown, `the issue page refuses framing even by a partner (frame shows ${pageByPartner.url})`);

  // 4. The feedback form works without JavaScript: on the issue page, and inside the sandboxed embed.
  await page.goto(`${worker.url}/issues/${encodeURIComponent(seedSlug)}`, { waitUntil: 'load' });
  await page.check('input[name="rating"][value="5"]');
  await page.fill('textarea[name="comment"]', '유익했어요');
  await Promise.all([page.waitForURL(/feedback=thanks/), page.click('.feedback button')]);
  check(
    (await page.textContent('#feedback h2')) === '고맙습니다!',
    `the issue page's feedback form posts and returns to a thank-you (${page.url().replace(worker.url, '')})`,
  );
  await page.goto(framing(partner.origin, embedUrl), { waitUntil: 'load' });
  const embedFrame = (await (await page.$('#embed'))!.contentFrame())!;
  await embedFrame.check('input[name="rating"][value="4"]');
  await Promise.all([embedFrame.waitForURL(/feedback=thanks/), embedFrame.click('.feedback button')]);
  check(
    (await embedFrame.textContent('#feedback h2')) === '고맙습니다!',
    "the embed's feedback form posts from inside the sandboxed iframe and shows the thank-you there",
  );

  // 5. A partner added through the admin API (not PARTNER_ORIGINS) frames the latest-issue
  // widget on its own origin; a publish shows on reload within the consistency bound; once the
  // partner is removed, its page cannot frame the widget any more.
  const adminToken = await worker.token('admin');
  const adminApi = (path: string, method: string, body?: unknown) =>
    fetch(`${worker.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const listedPartner = (await (await adminApi('/api/v1/admin/partners', 'POST', { name: 'Listed', origins: [listed.origin] })).json()) as {
    id: string;
    key: string;
  };
  const latestUrl = `${worker.url}/embed/latest?partner=${listedPartner.key}`;
  const widgetTitle = async () => {
    await page.goto(framing(listed.origin, latestUrl), { waitUntil: 'load' });
    await page.waitForTimeout(100);
    const frame = await (await page.$('#embed'))!.contentFrame();
    return frame!.evaluate(() => document.querySelector('h1')?.textContent ?? '').catch(() => '');
  };
  const before = await widgetTitle();
  const newTitle = `파트너 위젯이 따라오는 새 이슈 ${Date.now()}`;
  await publish(JSON.stringify({ title: newTitle, body: '새 이슈', summary: ['위젯 확인'] }));
  const publishedAt = Date.now();
  let after = await widgetTitle();
  while (after !== newTitle && Date.now() - publishedAt < BOUND_MS + 1_500) after = await widgetTitle();
  check(
    before !== '' && before !== newTitle && after === newTitle,
    `a listed partner's page shows the latest-issue widget ("${before.slice(0, 30)}"), and after a publish the new issue ("${after.slice(0, 30)}") within ${Date.now() - publishedAt} ms (bound ${BOUND_MS} ms)`,
  );
  await adminApi(`/api/v1/admin/partners/${listedPartner.id}`, 'DELETE');
  const removedAt = Date.now();
  let gone = await blocked(listed.origin, latestUrl, newTitle);
  while (gone.shown && Date.now() - removedAt < BOUND_MS + 1_500) gone = await blocked(listed.origin, latestUrl, newTitle);
  check(!gone.shown, `once removed, the partner's page cannot frame the widget (after ${Date.now() - removedAt} ms)`);

  // 6. The API reference renders every operation from files this site serves.
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(worker.url)) external.push(r.url());
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${worker.url}/docs`, { waitUntil: 'load' });
  await page.waitForSelector('.opblock', { timeout: 15_000 });
  const operations = await page.$$eval('.opblock', (blocks) => blocks.length);
  const documented = Object.values(
    ((await (await fetch(`${worker.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, object> }).paths,
  ).reduce((n, ops) => n + Object.keys(ops).length, 0);
  check(
    operations === documented && external.length === 0,
    `/docs renders ${operations} of ${documented} operations, with ${external.length} requests to other hosts`,
  );
  await page.screenshot({ path: `${SHOTS}/api-docs-desktop.png` });

  // 7. Screenshots of the seed issue, at phone and desktop widths.
  const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };
  const views = {
    page: `/issues/${encodeURIComponent(seedSlug)}`,
    embed: `/embed/${encodeURIComponent(seedSlug)}`,
    card: `/embed/${encodeURIComponent(seedSlug)}?view=card`,
    search: `/search?q=${encodeURIComponent('클라우드 인프라')}`,
  };
  const shots: { file: string; status: number; bytes: number }[] = [];
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    for (const [name, path] of Object.entries(views)) {
      const response = await page.goto(`${worker.url}${path}`, { waitUntil: 'load' });
      // Every image shown (lazy ones too, once scrolled to) and nothing wider than the screen.
      const layout = await page.evaluate(async () => {
        window.scrollTo(0, document.body.scrollHeight);
        await Promise.all([...document.images].map((img) => (img.complete ? null : img.decode().catch(() => null))));
        return {
          images: document.images.length,
          shown: [...document.images].filter((img) => img.naturalWidth > 0).length,
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          results: document.querySelectorAll('ol.results > li').length,
          marks: document.querySelectorAll('ol.results mark').length,
        };
      });
      const wanted = name === 'card' ? 1 : name === 'search' ? 0 : 2;
      check(
        layout.images === wanted && layout.shown === wanted && layout.overflow <= 0,
        `seed ${name} at ${viewport.width}px: ${layout.shown} of ${layout.images} images shown (${wanted} expected), ${Math.max(0, layout.overflow)}px wider than the screen`,
      );
      if (name === 'search') {
        check(
          layout.results >= 1 && layout.marks >= 2,
          `the search page for "클라우드 인프라" at ${viewport.width}px: ${layout.results} results, ${layout.marks} marked matches`,
        );
      }
      const file = `${SHOTS}/seed-${name}-${size}.png`;
      const png = await page.screenshot({ path: file, fullPage: true });
      shots.push({ file, status: response?.status() ?? 0, bytes: png.byteLength });
    }
  }
  // A screenshot of an error page, or an empty one, is not a screenshot of the issue.
  const good = shots.filter((s) => s.status === 200 && s.bytes > 10_000);
  check(
    good.length === shots.length,
    `${good.length} of ${shots.length} screenshots of the seed issue (200, over 10 KB) saved in ${SHOTS}/ (page, embed, card and a Korean search at 390px and 1280px)`,
  );
} finally {
  await browser?.close();
  await worker.dispose();
  partner.server.close();
  stranger.server.close();
  listed.server.close();
}

if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nall browser checks passed');
