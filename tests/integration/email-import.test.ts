import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import seed from '../../seed/001-openai-google-cloud.md?raw';
import type { ImportReport } from '../../src/domain/email-import';
import { parseFrontMatter } from '../../src/domain/front-matter';
import { renderMarkdown, sanitizerRemovals } from '../../src/render/markdown';
import { call, editorClient, expectProblem, mintToken } from '../helpers';
import { espEmail } from '../support/esp-email';

/**
 * Email import: each sent newsletter in tests/fixtures/email (written for these tests in the shapes
 * of Stibee, Mailchimp, Substack and Buttondown, and as plain text in EUC-KR and ISO-2022-KR) is
 * imported through the API and must come out as its `.expected.json` says, with nothing of the
 * email left in the draft; the seed issue makes a round trip through an email; bad input gets a
 * clear 4xx, never a 500, and nothing unsafe is stored.
 */

const emails = import.meta.glob<string>('../fixtures/email/*.eml', { query: '?inline', import: 'default', eager: true });
const expectations = import.meta.glob<Expected>('../fixtures/email/*.expected.json', { import: 'default', eager: true });

interface Expected {
  title: string;
  subtitle: string | null;
  summary: string[];
  sections: string[];
  teasers: { title: string; excerpt: string; url: string | null }[];
}

interface ImportAnswer {
  issue: {
    id: string;
    slug: string;
    status: string;
    title: string;
    subtitle: string | null;
    summary: string[];
    teasers: unknown[];
    body: string;
    html: string;
  };
  report: ImportReport;
}

const bytesOf = (dataUrl: string) => Uint8Array.from(atob(dataUrl.split(',')[1]!), (c) => c.charCodeAt(0));

let contributor: ReturnType<typeof editorClient>;
beforeAll(async () => {
  contributor = editorClient(await mintToken('contributor'));
});

async function importAs(type: string, body: BodyInit, query = ''): Promise<Response> {
  return contributor(`/api/v1/admin/imports${query}`, { method: 'POST', headers: { 'Content-Type': type }, body });
}

async function imported(type: string, body: BodyInit, query = ''): Promise<ImportAnswer> {
  const response = await importAs(type, body, query);
  expect(response.status, await response.clone().text()).toBe(201);
  const answer = (await response.json()) as ImportAnswer;
  expect(response.headers.get('Location')).toBe(`/api/v1/admin/issues/${answer.issue.id}`);
  return answer;
}

/** What belongs to the email and must not survive into a draft: trackers, redirects, footers, service branding. */
const EMAIL_ONLY = [
  /list-manage\.com/i,
  /campaign-archive/i,
  /click\.stibee|stibee\.com\/api/i,
  /substack\.com\/redirect|eotrx|app-link/i,
  /buttondown\.com\/api/i,
  /click\.esp\.example|open\.esp\.example/i,
  /open\.gif|open\.php|\/o\/42/i,
  /unsubscribe|수신\s*거부|구독 정보 변경/i,
  /utm_|mc_cid|mc_eid/i,
  /view this email|웹에서 보기|view this email online/i,
  /powered by|made with stibee|intuit mailchimp|substack is the home|start writing|get the app/i,
  /copyright|all rights reserved|mailing address/i,
  /sharer|intent\/tweet|story\.kakao/i,
];

/** Checks a draft's Markdown: nothing of the email, no "|" debris, every link at its final, plain target, and it renders whole. */
function expectClean(body: string): void {
  for (const pattern of EMAIL_ONLY) expect(body, `${pattern} in the draft`).not.toMatch(pattern);
  for (const line of body.split('\n')) {
    if (line.startsWith('|')) continue; // a data table's row
    expect(line, 'pipe debris').not.toMatch(/^\s*\\?\|\s*$|\s\\?\|\s*$/);
  }
  for (const [, url] of body.matchAll(/\]\(([^)\s]+)/g)) {
    expect(url, 'a link in the draft').toMatch(/^https?:\/\//);
    expect(new URL(url!).search, url).not.toMatch(/utm_|mc_/);
  }
  expect(sanitizerRemovals(body)).toEqual([]);
}

describe('importing sent newsletters', () => {
  const names = Object.keys(emails).map((path) => path.replace(/^.*\//, '').replace(/\.eml$/, ''));

  it('has a fixture and an expectation for each service shape', () => {
    expect(names.sort()).toEqual([
      'buttondown-workers-weekly',
      'mailchimp-stack-weekly',
      'plain-euckr-data-brief',
      'plain-iso2022kr-notice',
      'stibee-enletter',
      'substack-field-notes',
    ]);
    for (const name of names) expect(expectations[`../fixtures/email/${name}.expected.json`], name).toBeDefined();
  });

  it.each(names)('%s becomes the draft its expectation names, with nothing of the email left', async (name) => {
    const expected = expectations[`../fixtures/email/${name}.expected.json`]!;
    const { issue, report } = await imported('message/rfc822', bytesOf(emails[`../fixtures/email/${name}.eml`]!));
    expect(issue.status).toBe('draft');
    expect({
      title: report.recognised.title.value,
      subtitle: report.recognised.subtitle,
      summary: report.recognised.summary,
      sections: report.recognised.sections,
      teasers: report.recognised.teasers,
    }).toEqual(expected);
    // The draft holds what the report says was recognised.
    expect({ title: issue.title, subtitle: issue.subtitle, summary: issue.summary, teasers: issue.teasers }).toEqual({
      title: expected.title,
      subtitle: expected.subtitle,
      summary: expected.summary,
      teasers: expected.teasers,
    });
    for (const section of expected.sections) expect(issue.body).toContain(`## ${section}\n`);
    expectClean(issue.body);
    expect(report.warnings.filter((w) => w.kind === 'not-rendered')).toEqual([]);
    // Nothing is published by an import.
    expect((await call(`/api/v1/issues/${encodeURIComponent(issue.slug)}`)).status).toBe(404);
  });

  it('says what it removed and why', async () => {
    const { report } = await imported('message/rfc822', bytesOf(emails['../fixtures/email/stibee-enletter.eml']!));
    const kinds = Object.fromEntries(report.removed.map((r) => [r.kind, r.count]));
    for (const kind of [
      'preheader',
      'tracking-pixel',
      'spacer-image',
      'view-in-browser',
      'social-share',
      'unsubscribe-footer',
      'esp-branding',
      'layout-table',
      'tracking-redirect',
      'campaign-parameters',
      'pipe-debris',
      'feedback-call',
    ]) {
      expect(kinds[kind], kind).toBeGreaterThan(0);
    }
    expect(report.recognised.feedback_call).toBe(true);
    expect(report.removed.find((r) => r.kind === 'preheader')?.samples[0]).toMatch(/^AI 시대, 인프라는/);
    // Its only images are the masthead's logo, spacers, share icons, the badge and the pixel: none is in the draft.
    expect(report.images).toEqual({ stored: 0, kept_remote: 0 });
  });

  it('keeps campaign parameters when asked to', async () => {
    const { issue } = await imported(
      'message/rfc822',
      bytesOf(emails['../fixtures/email/mailchimp-stack-weekly.eml']!),
      '?campaign_parameters=keep',
    );
    expect(issue.body).toContain('utm_source=The+Stack+Weekly');
  });
});

describe('the seed issue, round trip', () => {
  it('comes back from an email with the structure of its own front matter', async () => {
    const parsed = parseFrontMatter(seed);
    if (!parsed.ok) throw new Error('the seed has no front matter');
    const fields = parsed.fields as {
      title: string;
      subtitle: string;
      summary: string[];
      teasers: { title: string; excerpt: string }[];
      body: string;
    };
    const html = espEmail({ ...fields, html: renderMarkdown(fields.body) });
    const { issue, report } = await imported('text/html; charset=utf-8', html);
    const sections = [...fields.body.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    expect({
      title: issue.title,
      subtitle: issue.subtitle,
      summary: issue.summary,
      teasers: report.recognised.teasers,
      sections: report.recognised.sections,
    }).toEqual({
      title: fields.title,
      subtitle: fields.subtitle,
      summary: fields.summary,
      teasers: fields.teasers.map((t) => ({ ...t, url: null })),
      // The feedback call goes: issue pages render their own feedback form.
      sections: sections.filter((s) => !s.includes('어떠셧나요')),
    });
    expect(report.recognised.feedback_call).toBe(true);
    expectClean(issue.body);
    // Every sentence of the seed's body that is not the feedback call is in the draft.
    for (const paragraph of fields.body.split('\n\n').filter((p) => /^[^#!\-|]/.test(p) && !p.includes('피드백'))) {
      expect(issue.body).toContain(paragraph.slice(0, 40));
    }
  });
});

/** How many requests the outbound stand-ins got for a group a test named (tests/support/outbound.ts). */
async function outboundCount(group: string): Promise<number> {
  const counts = (await (await fetch('http://outbound-guard.test/counts')).json()) as Record<string, number>;
  return counts[group] ?? 0;
}

describe('the import’s own requests', () => {
  it('follows an opaque tracking link through its redirect chain to the page, without utm_*', async () => {
    const group = `follow${crypto.randomUUID().slice(0, 6)}`;
    const { issue, report } = await imported(
      'text/html',
      `<h1>Trackers</h1><p>Read <a href="https://click.outbound.test/c/${group}-1">the story</a> today.</p><p>More words.</p>`,
    );
    expect(issue.body).toContain(`[the story](https://site.outbound.test/story?id=${group})`);
    expect(report.removed.map((r) => r.kind)).toContain('tracking-redirect');
    // The click, three hops and the page: each hop requested and checked.
    expect(await outboundCount(group)).toBe(5);
  });

  it('makes at most 80 requests in all, and says which links it left', async () => {
    const group = `cap${crypto.randomUUID().slice(0, 6)}`;
    const links = Array.from({ length: 40 }, (_, i) => `<p><a href="https://click.outbound.test/c/${group}-${i}">story ${i}</a></p>`).join(
      '',
    );
    const { report } = await imported('text/html', `<h1>Many trackers</h1><p>Intro words.</p>${links}`);
    // 40 links of 5 requests each would be 200.
    expect(await outboundCount(group)).toBe(80);
    expect(report.warnings.filter((w) => w.kind === 'link-not-followed').length).toBeGreaterThan(0);
  });

  it('stops asking a host that hangs when its 25 seconds are up', async () => {
    const group = `slow${crypto.randomUUID().slice(0, 6)}`;
    const images = Array.from({ length: 15 }, (_, i) => `<p><img src="https://slow.outbound.test/${group}/${i}.png" alt="${i}"></p>`).join(
      '',
    );
    const { report } = await imported('text/html', `<h1>Slow</h1><p>Intro words.</p>${images}`);
    expect(report.images).toEqual({ stored: 0, kept_remote: 15 });
    // Three at a time, each given 10 s: at 0, 10 and 20 s; none is asked after the import's 25 s.
    expect(await outboundCount(group)).toBe(9);
  }, 60_000);
});

describe('images', () => {
  it('stores each image it can fetch, keeps the address of one it cannot, and says so', async () => {
    const receiver = env.TEST_WEBHOOK_RECEIVER;
    const html = `<h1>그림이 있는 호</h1><p>본문입니다.</p><p><img src="${receiver}/files/chart.png" alt="차트"></p><p><img src="${receiver}/files/chart.png" alt="같은 차트"></p><p><img src="${receiver}/files/missing.png" alt="없는 그림"></p>`;
    const { issue, report } = await imported('text/html', html);
    expect(report.images).toEqual({ stored: 1, kept_remote: 1 });
    expect(issue.body).toMatch(/!\[차트\]\(http:\/\/127\.0\.0\.1:8787\/media\/[0-9a-f]{64}\.png\)/);
    expect(issue.body).toContain(`![없는 그림](${receiver}/files/missing.png)`);
    expect(report.warnings).toContainEqual({
      kind: 'image-not-fetched',
      message: `Kept the remote image ${receiver}/files/missing.png: it could not be fetched as an image of at most 10 MiB (no answer, an error, or not an image).`,
    });
  });

  it('tells a closed port, a 404, a page and a refused connection alike (no port scanner)', async () => {
    const receiver = env.TEST_WEBHOOK_RECEIVER;
    const sources = [`${receiver}/files/missing.png`, `${receiver}/hooks/nothing`, 'http://127.0.0.1:9/x.png', `${receiver}/received/none`];
    const html = `<h1>포트</h1><p>본문입니다.</p>${sources.map((src, i) => `<p><img src="${src}" alt="그림 ${i}"></p>`).join('')}`;
    const { report } = await imported('text/html', html);
    const reasons = report.warnings.filter((w) => w.kind === 'image-not-fetched').map((w) => w.message.split(': ').slice(1).join(': '));
    expect(reasons).toHaveLength(sources.length);
    expect(new Set(reasons).size).toBe(1);
  });

  it('fetches a few images at a time and at most 32 MiB of them in all, however many the email names', async () => {
    const receiver = env.TEST_WEBHOOK_RECEIVER;
    const group = `budget-${crypto.randomUUID().slice(0, 8)}`;
    // 30 images of 8 MiB each, served chunked (no Content-Length to check first).
    const html = `<h1>큰 그림들</h1><p>본문입니다.</p>${Array.from({ length: 30 }, (_, i) => `<p><img src="${receiver}/big/${group}/${i}.png?mb=8" alt="${i}"></p>`).join('')}`;
    const { report } = await imported('text/html', html);
    const stats = (await (await fetch(`${receiver}/big-stats/${group}`)).json()) as {
      requests: number;
      maxOpen: number;
      bytesWritten: number;
    };
    expect(stats.maxOpen).toBeLessThanOrEqual(3);
    // At most three fit in 32 MiB (fewer when reads in flight together run past it first); then
    // nothing more is asked for or read.
    expect(report.images.stored).toBeGreaterThanOrEqual(2);
    expect(report.images.stored).toBeLessThanOrEqual(3);
    expect(report.images.stored + report.images.kept_remote).toBe(30);
    expect(stats.requests).toBeLessThanOrEqual(6);
    // What the server wrote: what was read, plus what socket and runtime buffers of the three
    // requests in flight took before they were cancelled (240 MiB if every image were read).
    expect(stats.bytesWritten).toBeLessThan(64 * 1024 * 1024);
    expect(report.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining("the import's images reached their limit of 32 MiB"),
    );
  }, 120_000);

  it('stores an image the message carries inline (cid:)', async () => {
    const png = await (await fetch(`${env.TEST_WEBHOOK_RECEIVER}/files/chart.png`)).arrayBuffer();
    const base64 = btoa(String.fromCharCode(...new Uint8Array(png))).replace(/.{76}/g, '$&\r\n');
    const message = [
      'From: Test <test@example.com>',
      'Subject: Inline image',
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<h1>Inline image</h1><p>Before.</p><p><img src="cid:chart@example" alt="The chart"></p>',
      '--rel',
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      'Content-ID: <chart@example>',
      '',
      base64,
      '--rel--',
      '',
    ].join('\r\n');
    const { issue, report } = await imported('message/rfc822', message);
    expect(report.images.stored).toBe(1);
    expect(issue.body).toMatch(/!\[The chart\]\(http:\/\/127\.0\.0\.1:8787\/media\/[0-9a-f]{64}\.png\)/);
  });
});

describe('bad input', () => {
  it('answers 400 to what is not a mail message, or holds nothing to import', async () => {
    for (const message of ['not an email at all', '\u0000\u0001\u0002', 'Subject: only headers\r\n\r\n', '']) {
      const problem = await expectProblem(await importAs('message/rfc822', message), 400);
      expect(problem.detail).toMatch(/^The message /);
    }
  });

  it('answers 413 to a 20 MB email, before reading it all', async () => {
    const big = new Uint8Array(20 * 1024 * 1024).fill(0x41);
    await expectProblem(await importAs('message/rfc822', big), 413);
  });

  it('answers 400 to an HTML bomb, deep or wide', async () => {
    const deep = `<h1>t</h1>${'<div>'.repeat(50_000)}x`;
    expect((await expectProblem(await importAs('text/html', deep), 400)).detail).toMatch(/nests HTML elements more than 256 deep/);
    const wide = `<h1>t</h1>${'<b>x</b>'.repeat(70_000)}`;
    expect((await expectProblem(await importAs('text/html', wide), 400)).detail).toMatch(/more than 60000 HTML elements/);
  });

  it('answers 415 to another media type, naming the ones it takes', async () => {
    const response = await importAs('application/json', '{}');
    await expectProblem(response, 415);
    expect(response.headers.get('Accept')).toBe('message/rfc822, text/html, text/plain');
  });

  it('stores a clean draft of an email with scripts, handlers and javascript: links', async () => {
    const html = `<h1>Hostile</h1><script>alert(1)</script><p>Text <a href="javascript:alert(1)">click</a> <a href=" JaVaScRiPt:alert(2)">two</a>
      <img src="x" onerror="alert(3)"> <img src="https://img.example/a.png" onerror="alert(4)" alt="a"></p>
      <iframe src="https://evil.example/"></iframe><form action="https://evil.example/"><input name="q"><button>Go</button></form>
      <p style="background:url(javascript:alert(5))" onclick="alert(6)">Styled</p><svg><script>alert(7)</script></svg>`;
    const { issue, report } = await imported('text/html', html);
    for (const text of [issue.body, issue.html]) {
      expect(text).not.toMatch(/script|javascript|onerror|onclick|alert\(|iframe|<form|<input|evil\.example/i);
    }
    expect(issue.body).toContain('Text click two');
    expect(report.removed.find((r) => r.kind === 'unsafe-content')?.count).toBeGreaterThanOrEqual(4);
  });

  it('keeps text that only mentions what footers say, and links that only go where share buttons do', async () => {
    const html = `<h1>Weekly</h1>
      <p>The court rejected the copyright claim against the model maker.</p>
      <p>Sam Altman <a href="https://x.com/sama/status/1">posted on X</a> that the launch slips.</p>
      <p>Read <a href="https://example.com/how-to-opt-out-of-ai-training">how to opt out of AI training</a>.</p>
      <p>A survey of <a href="https://example.com/consumer-preferences-2026">consumer preferences</a> came out.</p>
      <p>주소: 서울시 강남구에 새 연구소가 문을 열었다.</p>
      <p>Powered by GPT-5, the new assistant answers in Korean.</p>
      <p>Summary judgment was granted on Friday.</p>
      <h2>What is next?</h2><p>The appeal, in spring.</p>
      <p>The FTC says it wants feedback on the rule.</p>
      <p><a href="https://ftc.example/rule">See the rule.</a></p>
      <p>Thanks for reading.</p>
      <p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">YouTube</a></p>
      <p>Watch it on <a href="https://www.linkedin.com/posts/someone_talk-activity-1">LinkedIn</a>.</p>
      <p style="font-size:12px">© 2026 Weekly Inc. · <a href="https://esp.example/unsubscribe?u=1">Unsubscribe</a></p>`;
    const { issue, report } = await imported('text/html', html);
    for (const kept of [
      'copyright claim',
      '[posted on X](https://x.com/sama/status/1)',
      'how to opt out of AI training',
      '[consumer preferences]',
      '주소: 서울시 강남구에',
      'Powered by GPT-5',
      'Summary judgment was granted',
      '## What is next?',
      'The appeal, in spring.',
      'wants feedback on the rule',
      '[See the rule.](https://ftc.example/rule)',
      'Thanks for reading.',
      '[YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)',
      '[LinkedIn](https://www.linkedin.com/posts/someone_talk-activity-1)',
    ]) {
      expect(issue.body).toContain(kept);
    }
    expect(issue.summary).toEqual([]);
    expect(issue.teasers).toEqual([]);
    expect(issue.body).not.toMatch(/unsubscribe|© 2026/i);
    expect(report.recognised.feedback_call).toBe(false);
  });

  it.each([
    [
      'icons only, behind click-tracking redirects',
      `<table><tr><td><a href="https://click.esp.example/c/1?url=https%3A%2F%2Ftwitter.com%2Fintent%2Ftweet%3Ftext%3Dhi"><img src="https://img.example/x.png" alt="X" width="32" height="32"></a>
       <a href="https://click.esp.example/c/2?url=https%3A%2F%2Fwww.facebook.com%2Fsharer.php%3Fu%3Dhttps%3A%2F%2Fnews.example"><img src="https://img.example/f.png" alt="Facebook" width="32" height="32"></a></td></tr></table>`,
    ],
    [
      'redirects nested in redirects',
      `<p><a href="https://click.esp.example/r/?url=https%3A%2F%2Fgo.example%2Fredirect%3Furl%3Dhttps%253A%252F%252Ftwitter.com%252Fintent%252Ftweet"><img src="https://img.example/x.png" alt="트위터" width="32" height="32"></a>
       <a href="https://www.linkedin.com/shareArticle?url=https://news.example"><img src="https://img.example/l.png" alt="LinkedIn" width="32" height="32"></a></p>`,
    ],
    [
      'labels of its own, every link a share or follow endpoint',
      `<p><a href="https://twitter.com/intent/tweet?text=a">Tell your followers</a> · <a href="https://www.facebook.com/sharer.php?u=b">Tell your friends</a> · <a href="https://www.instagram.com/enletter">Our pictures</a></p>`,
    ],
  ])('removes a share row with %s', async (_case, row) => {
    const html = `<h1>Weekly share test</h1><p>The story of the week, in full.</p><p>A second paragraph to keep.</p>${row}<p>Last words of the issue.</p>`;
    const { issue, report } = await imported('text/html', html);
    expect(issue.body).toContain('The story of the week, in full.');
    expect(issue.body).toContain('Last words of the issue.');
    expect(issue.body).not.toMatch(/twitter|facebook|linkedin|instagram|img\.example|Tell your/i);
    expect(report.removed.map((r) => r.kind)).toContain('social-share');
  });

  it.each([
    [
      'profiles named in a sentence',
      '<p>This week I talked with <a href="https://x.com/janedoe">Jane</a> and <a href="https://www.linkedin.com/in/bob">Bob</a> about their startup.</p>',
      'about their startup',
    ],
    [
      'articles whose addresses say share',
      '<p>See <a href="https://news.example/share-of-voice">the study</a> and <a href="https://data.example/market/share/2024">the data</a>.</p>',
      'the study',
    ],
    [
      'two channels recommended',
      '<p>Watch <a href="https://www.youtube.com/@veritasium">Veritasium</a> or <a href="https://www.youtube.com/c/3blue1brown">3Blue1Brown</a> tonight.</p>',
      'tonight',
    ],
  ])('keeps a paragraph of %s', async (_case, paragraph, kept) => {
    const { issue } = await imported('text/html', `<h1>Prose</h1><p>First paragraph of the issue.</p>${paragraph}<p>Last words.</p>`);
    expect(issue.body).toContain(kept);
  });

  it('removes icon rows to the newer share endpoints behind redirects', async () => {
    const targets = [
      'https://x.com/intent/post?text=a',
      'https://bsky.app/intent/compose?text=a',
      'https://www.threads.net/intent/post?text=a',
      'https://api.whatsapp.com/send?text=a',
    ];
    const row = targets
      .map(
        (t, i) =>
          `<a href="https://click.esp.example/c/${i}?url=${encodeURIComponent(t)}"><img src="https://img.example/${i}.png" alt="" width="32" height="32"></a>`,
      )
      .join(' ');
    const { issue } = await imported('text/html', `<h1>Icons</h1><p>The story.</p><p>${row}</p><p>Last words.</p>`);
    expect(issue.body).not.toMatch(/intent|whatsapp|img\.example/);
  });

  it.each([
    ['250,000 comments', () => `<h1>T</h1><p>hello</p>${'<!---->\n'.repeat(250_000)}`],
    ['comments spread over paragraphs', () => `<h1>T</h1>${'<p><!----><!----><!---->x</p>'.repeat(20_000)}`],
    [
      'elements of 2,000 attributes each',
      () => `<h1>T</h1>${`<i ${Array.from({ length: 2000 }, (_, i) => `a${i.toString(36)}`).join(' ')}>x</i>`.repeat(900)}`,
    ],
    ['attributes by the hundred thousand', () => `<h1>T</h1>${'<i a b c d e f g h i j>x</i>'.repeat(40_000)}`],
  ])('answers 400, before building a DOM, to %s', async (_case, make) => {
    const response = await importAs('text/html', make());
    const problem = await expectProblem(response, 400);
    expect(problem.detail).toMatch(
      /^The newsletter has (?:more than|an element with more than) \d+ HTML (?:comments|attributes)|^The newsletter has an element/,
    );
  });

  it('keeps prose above a first heading, which is then a section and not the title', async () => {
    const message =
      'Subject: Friday notes\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi friends, a short one today.</p><p>Two stories.</p><h1>First story</h1><p>Text.</p>';
    const { issue, report } = await imported('message/rfc822', message);
    expect(report.recognised.title).toEqual({ value: 'Friday notes', from: 'subject' });
    expect(issue.body).toContain('Hi friends, a short one today.');
    expect(issue.body).toContain('## First story');
  });

  it('stores markup written as text in the email as text, never as HTML', async () => {
    const html =
      '<h1>Escapes</h1><p>&lt;img src=x onerror=alert(1)&gt; and &lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt; and &amp;lt;b&amp;gt; and &amp;#60;i&amp;#62;</p><p>after</p>';
    const { issue, report } = await imported('text/html', html);
    expect(issue.body).not.toMatch(/(?<!\\)<(?:img|iframe|b)\b/);
    expect(issue.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(issue.html).toContain('<p>after</p>');
    // Entities written out as text in the email stay written out: the page shows "&lt;b&gt;", as the email did.
    expect(issue.html).toContain('and &amp;lt;b&amp;gt; and &amp;#60;i&amp;#62;</p>');
    expect(report.warnings.filter((w) => w.kind === 'not-rendered')).toEqual([]);
  });

  it('answers 400, not 500, to Markdown past a rendering limit, and imports odd but harmless input', async () => {
    const quotes = `<h1>Deep</h1>${'<blockquote>'.repeat(70)}x${'</blockquote>'.repeat(70)}`;
    expect((await expectProblem(await importAs('text/html', quotes), 400)).errors?.[0]?.path).toBe('/body');
    const odd = `<h1>${'가'.repeat(199)}😀 and more</h1><p><img src="cid:%" alt="broken"></p><p><strong>What is RAG?</strong></p><p>Retrieval first.</p><p><a href="https://exa mple.com/x">Read more</a></p><h2>Next</h2><p>x</p>`;
    const { issue, report } = await imported('text/html', odd);
    expect(issue.title).toHaveLength(200);
    expect(issue.title.isWellFormed()).toBe(true);
    expect(issue.teasers).toEqual([{ title: 'What is RAG?', excerpt: 'Retrieval first.', url: null }]);
    expect(report.warnings.map((w) => w.kind)).toContain('shortened');
  });

  it('reads text/plain sent as ISO-2022-KR', async () => {
    const bytes = bytesOf(emails['../fixtures/email/plain-iso2022kr-notice.eml']!);
    const body = bytes.subarray(new TextDecoder().decode(bytes).indexOf('\r\n\r\n') + 4);
    const { issue } = await imported('text/plain; charset=ISO-2022-KR', body);
    expect(issue.body).toContain('토요일 새벽 2시부터 4시까지');
  });

  it('does not fetch images from addresses inside the network', async () => {
    const html =
      '<h1>Inside</h1><p><img src="http://10.0.0.8/secret.png" alt="a"> <img src="http://169.254.169.254/latest/meta-data" alt="b"></p>';
    const { report } = await imported('text/html', html);
    expect(report.images).toEqual({ stored: 0, kept_remote: 2 });
    expect(report.warnings.map((w) => w.message)).toEqual([
      'Kept the remote image http://10.0.0.8/secret.png: its address is not a public web address.',
      'Kept the remote image http://169.254.169.254/latest/meta-data: its address is not a public web address.',
    ]);
  });

  it('imports a message of thousands of links, and says when one is too long to be an issue', async () => {
    const links = (n: number) => Array.from({ length: n }, (_, i) => `<a href="https://x.com/a${i}">X</a>`).join(' ');
    const { issue } = await imported('text/html', `<h1>Links</h1><p>${links(6_000)}</p>`);
    expect(issue.body).toContain('[X](https://x.com/a5999)');
    const problem = await expectProblem(await importAs('text/html', `<h1>Links</h1><p>${links(15_000)}</p>`), 413);
    expect(problem.detail).toMatch(/^The newsletter's text comes to \d+ characters of Markdown; an issue holds at most 200000\.$/);
  });

  it.each([
    ['HTML', 'text/html', () => `<h1>Long</h1><p>${'가나다라 마바사 '.repeat(300_000)}</p>`],
    ['text', 'text/plain', () => `Long\n\n${'word '.repeat(500_000)}`],
    ['HTML of many small paragraphs', 'text/html', () => `<h1>Long</h1>${'<p>조금 더 긴 문장입니다.</p>'.repeat(50_000)}`],
  ])('refuses %s with more text than an issue could hold before building its DOM', async (_case, type, make) => {
    const problem = await expectProblem(await importAs(type, make()), 413);
    expect(problem.detail).toMatch(/^The newsletter holds more than 400000 characters of text \(found before it was read further\)/);
  });

  it('is for editors with a token', async () => {
    const response = await call('/api/v1/admin/imports', { method: 'POST', headers: { 'Content-Type': 'text/html' }, body: '<h1>x</h1>' });
    await expectProblem(response, 401);
  });
});
