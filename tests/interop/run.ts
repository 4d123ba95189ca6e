// `npm run test:interop`: real feed clients against the Worker on workerd (see README, "Testing").
// Loads the seed issue and the 60-issue fixture, then has python3-feedparser, newsboat, and ajv with
// jsonfeed-schema read every feed: site-wide, per tag, and every RFC 5005 archive page; xmllint
// validates the sitemap against the sitemaps.org schemas.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startLocalWorker } from '../../scripts/lib/local-worker';
import { renderSitemapIndex } from '../../src/render/discovery';
import { FEED_FILES, FEED_SIZE } from '../../src/render/feed-model';
import { SIXTY, sixtyIssueInput } from '../fixtures/sixty-issues';
import { mp3, png } from '../support/media-files';
import { pushedSeedFile } from '../support/seed-node';

const PYTHON = '/usr/bin/python3';
const jsonFeedSchema: object = JSON.parse(
  await readFile(new URL('../../node_modules/jsonfeed-schema/schema-v1.1.json', import.meta.url), 'utf8'),
);
const failures: string[] = [];
const check = (ok: boolean, message: string) => {
  if (!ok) failures.push(message);
};

function requireTool(command: string, args: string[], install: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed: install it with \`${install}\` (.ci/run does).`);
    process.exit(2);
  }
}
requireTool(PYTHON, ['-c', 'import feedparser'], 'apt-get install python3-feedparser');
requireTool('newsboat', ['--version'], 'apt-get install newsboat');
requireTool('xmllint', ['--version'], 'apt-get install libxml2-utils');

const worker = await startLocalWorker();
try {
  const editor = await worker.token('editor');
  const post = async (path: string, body: string, contentType: string) => {
    const response = await fetch(`${worker.url}${path}`, {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${editor}`, 'Content-Type': contentType },
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const publish = async (body: string, contentType: string) => {
    const { id } = await post('/api/v1/admin/issues', body, contentType);
    await post(`/api/v1/admin/issues/${id}/publish`, '', 'application/json');
  };
  process.stderr.write(`loading the seed issue and ${SIXTY} fixture issues...\n`);
  await publish(await pushedSeedFile(worker.url, editor), 'text/markdown');
  // Media in feeds: the seed carries a cover and a figure; this issue also carries an audio
  // attachment (RSS enclosure, Atom enclosure link, JSON Feed attachment) and a PDF elsewhere.
  const upload = async (bytes: Uint8Array) =>
    (await (
      await fetch(`${worker.url}/api/v1/admin/media`, { method: 'POST', body: bytes, headers: { Authorization: `Bearer ${editor}` } })
    ).json()) as { url: string; bytes: number };
  const episode = await upload(mp3(120));
  const cover = await upload(await png(1200, 630, [20, 90, 60]));
  const AUDIO_TITLE = '오디오로 듣는 엔레터';
  await publish(
    JSON.stringify({
      title: AUDIO_TITLE,
      body: `오디오 버전입니다.\n\n![표지](${cover.url})\n`,
      tags: ['AI'],
      cover: { url: cover.url, alt: '초록 표지' },
      attachments: [
        { url: episode.url, title: '1화 듣기' },
        { url: 'https://cdn.example/notes.pdf?a=1&b=2', content_type: 'application/pdf', bytes: 2048 },
      ],
    }),
    'application/json',
  );
  for (let i = 1; i <= SIXTY; i++) await publish(JSON.stringify(sixtyIssueInput(i)), 'application/json');
  // A control character in a body, as older data might hold one (the API refuses them, so it goes
  // straight into D1, before any feed is rendered): the feeds must still be well-formed XML.
  const db = await worker.mf.getD1Database('DB');
  await db.prepare("UPDATE issues SET html = html || '<p>bell' || char(7) || ' here</p>' WHERE slug = 'fixture-60'").run();

  // What each feed should hold, from the JSON API (newest first), independent of the feed code.
  const api = async (query: string) => {
    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await fetch(`${worker.url}/api/v1/issues?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
        issues: { title: string }[];
        next_cursor: string | null;
      };
      titles.push(...page.issues.map((i) => i.title));
      cursor = page.next_cursor;
    } while (cursor !== null);
    return titles;
  };
  const tags = ((await (await fetch(`${worker.url}/api/v1/tags`)).json()) as { tags: { name: string }[] }).tags.map((t) => t.name);
  const documents: { url: string; titles: string[]; media: null | Record<string, unknown> }[] = [];
  for (const tag of [undefined, ...tags]) {
    const base = tag === undefined ? worker.url : `${worker.url}/tags/${encodeURIComponent(tag)}`;
    const newestFirst = await api(tag === undefined ? '' : `&tag=${encodeURIComponent(tag)}`);
    const oldestFirst = [...newestFirst].reverse();
    const pages = [{ query: '', titles: newestFirst.slice(0, FEED_SIZE) }];
    for (let page = 1; page <= Math.floor(newestFirst.length / FEED_SIZE); page++) {
      pages.push({ query: `?archive=${page}`, titles: oldestFirst.slice((page - 1) * FEED_SIZE, page * FEED_SIZE) });
    }
    for (const { query, titles } of pages) {
      // Where the audio issue is in a document, what its enclosures must be (feedparser's reading).
      const media = titles.includes(AUDIO_TITLE)
        ? {
            title: AUDIO_TITLE,
            rss: [{ href: episode.url, type: 'audio/mpeg', length: String(episode.bytes) }],
            atom: [
              { href: episode.url, type: 'audio/mpeg', length: String(episode.bytes) },
              { href: 'https://cdn.example/notes.pdf?a=1&b=2', type: 'application/pdf', length: '2048' },
              { href: cover.url, type: 'image/png' },
            ],
            cover: cover.url,
            attachments: 2,
          }
        : null;
      for (const file of Object.values(FEED_FILES)) documents.push({ url: `${base}/${file}${query}`, titles, media });
    }
  }
  const rss = await (await fetch(`${worker.url}/feed.xml`)).text();
  check(
    rss.includes('<p>bell here</p>') && !rss.includes('\u0007'),
    'the control character injected into fixture-60 is removed from the feeds',
  );
  console.log(`${documents.length} feed documents (${tags.length} tags, 3 formats, archive pages included)\n`);
  check(
    documents.filter((d) => d.media !== null).length >= 6,
    'the audio issue is in the site feeds and its tag feeds, in all three formats',
  );

  const xmlDocuments = documents.filter((d) => !d.url.includes('.json'));
  const jsonDocuments = documents.filter((d) => d.url.includes('.json'));

  // 1. python3-feedparser: RSS and Atom. Debian's feedparser 6.0.10 has no JSON Feed parser (JSON
  //    Feed came in feedparser 6.1); the JSON feeds are checked in step 3.
  const parsed = spawnSync(PYTHON, ['tests/interop/check_feedparser.py'], { input: JSON.stringify(xmlDocuments), encoding: 'utf8' });
  process.stdout.write(parsed.stdout);
  process.stderr.write(parsed.stderr);
  check(parsed.status === 0, 'feedparser found problems (lines marked FAIL above)');

  // 2. newsboat: RSS and Atom (it does not read JSON Feed), reloaded without a terminal. One cache
  //    per document: newsboat keeps an item once per guid, and an issue is in several feeds.
  console.log('');
  for (const [index, document] of xmlDocuments.entries()) {
    const dir = await mkdtemp(join(tmpdir(), `masthead-newsboat-${index}-`));
    await writeFile(join(dir, 'urls'), `${document.url}\n`);
    await writeFile(join(dir, 'config'), `error-log "${join(dir, 'error.log')}"\nmax-items 0\n`);
    await writeFile(join(dir, 'error.log'), '');
    execFileSync('newsboat', ['-x', 'reload', '-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-C', join(dir, 'config')], {
      env: { ...process.env, TERM: 'dumb' },
      stdio: 'inherit',
    });
    const errors = (await readFile(join(dir, 'error.log'), 'utf8')).trim();
    const count = Number(
      execFileSync(
        PYTHON,
        [
          '-c',
          'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from rss_item").fetchone()[0])',
          join(dir, 'cache.db'),
        ],
        { encoding: 'utf8' },
      ),
    );
    const ok = errors === '' && count === document.titles.length;
    console.log(
      `newsboat items=${String(count).padStart(3)} error-log=${errors === '' ? 'empty' : JSON.stringify(errors)} ${document.url} ${ok ? 'ok' : `FAIL expected ${document.titles.length}`}`,
    );
    check(ok, `newsboat: ${document.url} has ${count} items (expected ${document.titles.length}), error log: ${errors || 'empty'}`);
  }

  // 3. ajv with the JSON Feed 1.1 schema.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(jsonFeedSchema);
  console.log('');
  for (const document of jsonDocuments) {
    const feed = (await (await fetch(document.url)).json()) as {
      items?: { title?: string; image?: string; attachments?: { url: string; mime_type: string; size_in_bytes: number }[] }[];
    };
    if (document.media !== null) {
      const item = feed.items?.find((i) => i.title === AUDIO_TITLE);
      const ok =
        item?.image === cover.url &&
        item.attachments?.length === 2 &&
        item.attachments[0]?.url === episode.url &&
        item.attachments[0]?.mime_type === 'audio/mpeg' &&
        item.attachments[0]?.size_in_bytes === episode.bytes;
      console.log(`jsonfeed image and attachments of the audio issue ${ok ? 'ok' : 'FAIL'} ${document.url}`);
      check(ok, `JSON Feed ${document.url}: the audio issue's image or attachments are not the uploaded files`);
    }
    const valid = validate(feed);
    const titles = (feed.items ?? []).map((item) => item.title);
    const sameItems = JSON.stringify(titles) === JSON.stringify(document.titles);
    console.log(
      `jsonfeed-schema 1.1 ${valid ? 'valid  ' : 'INVALID'} items=${String(titles.length).padStart(3)} ${document.url}${valid ? '' : ` ${ajv.errorsText(validate.errors)}`}${sameItems ? '' : ' FAIL titles differ'}`,
    );
    check(valid, `JSON Feed ${document.url} is not valid: ${ajv.errorsText(validate.errors)}`);
    check(sameItems, `JSON Feed ${document.url}: its items are not the expected ones`);
  }

  // 4. xmllint with the sitemaps.org schemas: the Worker's sitemap, and a sitemap index as the
  //    Worker writes one past 50,000 URLs (rendered here: no test database holds that many).
  console.log('');
  const dir = await mkdtemp(join(tmpdir(), 'masthead-sitemap-'));
  const sitemapXml = await (await fetch(`${worker.url}/sitemap.xml`)).text();
  const indexXml = renderSitemapIndex([
    { loc: `${worker.url}/sitemap-1.xml`, lastmod: new Date().toISOString() },
    { loc: `${worker.url}/sitemap-2.xml`, lastmod: null },
  ]);
  for (const [name, xml, schema] of [
    ['sitemap.xml', sitemapXml, 'node_modules/sitemap/schema/sitemap.xsd'],
    ['sitemap index', indexXml, 'tests/fixtures/xsd/siteindex.xsd'],
  ] as const) {
    const file = join(dir, `${name.replace(' ', '-')}.xml`);
    await writeFile(file, xml);
    const lint = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
    const urls = (xml.match(/<loc>/g) ?? []).length;
    console.log(`xmllint ${name} (${urls} URLs) against ${schema}: ${lint.status === 0 ? 'valid' : `INVALID ${lint.stderr.trim()}`}`);
    check(lint.status === 0, `${name} does not validate against ${schema}: ${lint.stderr.trim()}`);
  }
  check(
    (sitemapXml.match(/<loc>/g) ?? []).length === 1 + tags.length + SIXTY + 2,
    'the sitemap lists the home page, every tag and every issue',
  );
} finally {
  await worker.dispose();
}

if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nall feed clients read every feed cleanly');
