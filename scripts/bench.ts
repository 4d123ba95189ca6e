// `npm run bench [-- --quick]`: the Worker built as for deploy, on workerd through Miniflare's API,
// beside a hello-world Worker and a same-size static Worker run the same way, with wrk on
// loopback; then the `wrangler dev` path on its own. Writes BENCHMARKS.md (see its first lines).
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { benchIssue, TAGS, WORDS } from './lib/bench-data';
import { markedSections } from './lib/benchmarks-file';
import { bulkInsertPublished, bulkRecount } from './lib/bulk';
import { mintLocalToken } from './lib/local-token';
import { buildWorker, freePort, type LocalWorker, startLocalWorker } from './lib/local-worker';
import { applyMigrations, wrangler } from './lib/wrangler';
import { startDev } from './lib/wrangler-dev';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const QUICK = values.quick;
const SIZES = QUICK ? [100] : [100, 10_000, 100_000];
const DURATION_S = QUICK ? 2 : 5;
const CONNECTIONS = 16;
const THREADS = 2;
/** Requests per uncached row (each one rendered from D1). */
const RENDERS = QUICK ? 20 : 200;
/** Fresh isolates per data set. */
const FRESH = QUICK ? 3 : 20;
const STARTUP_RUNS = QUICK ? 1 : 5;
const log = (line: string) => process.stderr.write(`${line}\n`);

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is missing: apt-get install wrk');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

/** Runs wrk at a fixed concurrency and reads requests/s, p50, p99, the request count and errors. */
function wrk(url: string, headers: Record<string, string> = {}): WrkResult {
  const args = [
    `-t${THREADS}`,
    `-c${CONNECTIONS}`,
    `-d${DURATION_S}s`,
    '--latency',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ];
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const ms = (label: string) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (!match) return NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50: ms('50'),
    p99: ms('99'),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    errors: non2xx + socketErrors,
  };
}

interface Timing {
  p50: number;
  /** null under 100 samples: that is not a p99. */
  p99: number | null;
  max: number;
  n: number;
  distinct: number;
}

function summarize(times: number[], distinct: number): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: sorted.length >= 100 ? at(0.99) : null, max: sorted.at(-1) ?? NaN, n: sorted.length, distinct };
}

/**
 * fetch, tried again once when a kept-alive connection turns out closed: workerd closes idle
 * connections while wrk runs, and Node's pool may hand one out just as it goes.
 */
async function get(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url, init);
  }
}

/** Times sequential requests, each rendered from D1 (the benchmark build's switch), in ms. */
async function rendered(urls: string[]): Promise<Timing> {
  const times: number[] = [];
  for (const url of urls) {
    const start = performance.now();
    const response = await get(url, { headers: { 'Masthead-Bench': 'render' } });
    await response.arrayBuffer();
    const elapsed = performance.now() - start;
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    if (response.headers.get('Masthead-Cache') !== 'miss')
      throw new Error(`${url} was not rendered (${response.headers.get('Masthead-Cache')}): is this a benchmark build?`);
    times.push(elapsed);
  }
  return summarize(times, new Set(urls).size);
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const cycle = <T>(list: readonly T[], n: number) => Array.from({ length: n }, (_, i) => list[i % list.length] as T);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

// ---------------------------------------------------------------------------------------------
// The bundles, and the Worker's startup as Cloudflare defines it

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const dirty =
  execFileSync('git', ['status', '--porcelain', '--', 'src', 'scripts', 'migrations', 'wrangler.toml', 'package-lock.json'], {
    encoding: 'utf8',
  }).trim() !== '';
const deployBundle = await buildWorker(log);
const script = await readFile(join(deployBundle, 'index.js'));
const bundleSize = { raw: script.byteLength, gzip: gzipSync(script).byteLength };
// The same source with the cache-skipping switch compiled in (wrangler.toml defines it false).
const benchBundle = await buildWorker(log, ['--define', 'MASTHEAD_BENCH:true']);

/**
 * `wrangler check startup`: the Worker's startup phase (evaluating the bundle and its top-level
 * code, what Cloudflare limits to 1 s of CPU at deploy), profiled on local workerd. "Active" is the
 * CPU time sampled in that phase.
 */
async function startupProfile(): Promise<number> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'masthead-startup-')), 'startup.cpuprofile');
  const out = await wrangler(['check', 'startup', '--outfile', outfile], { capture: true }); // builds as deploy does
  const active = /Active:\s+([\d.]+)\s*ms/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
  if (!active) throw new Error(`wrangler check startup printed no active time:\n${out}`);
  return Number(active[1]);
}
log("profiling the Worker's startup (wrangler check startup)...");
const startups: number[] = [];
for (let i = 0; i < STARTUP_RUNS; i++) startups.push(await startupProfile());
const startup = summarize(startups, 1);

// ---------------------------------------------------------------------------------------------
// The ceilings: a hello-world Worker, and a Worker answering a fixed body of N bytes

const helloPort = await freePort();
const hello = new Miniflare(
  convertV4MiniflareOptions({
    modules: true,
    script: 'export default { fetch() { return new Response("hello") } }',
    compatibilityDate: '2026-11-01',
    host: '127.0.0.1',
    port: helloPort,
  }),
);
await hello.ready;
const staticPort = await freePort();
const staticWorker = new Miniflare(
  convertV4MiniflareOptions({
    modules: true,
    // GET /N answers N bytes, built once per N; nothing else happens per request.
    script: `const bodies = new Map();
export default { fetch(request) {
  const n = Number(new URL(request.url).pathname.slice(1));
  let body = bodies.get(n);
  if (body === undefined) bodies.set(n, (body = new TextEncoder().encode('x'.repeat(n))));
  return new Response(body, { headers: { 'Content-Type': 'text/plain' } });
} }`,
    compatibilityDate: '2026-11-01',
    host: '127.0.0.1',
    port: staticPort,
  }),
);
await staticWorker.ready;

// ---------------------------------------------------------------------------------------------
// Each data set

interface EndpointReport {
  name: string;
  bytes: number;
  isolate: WrkResult;
  /** The location's cache (Cache API) alone; null for outputs kept only in the isolate (searches). */
  edge: WrkResult | null;
  /** A static Worker answering the same number of bytes. */
  same: WrkResult;
}
interface SizeReport {
  size: number;
  hello: WrkResult;
  endpoints: EndpointReport[];
  renders: Record<string, Timing>;
  fresh: { warmLocation: Timing; emptyLocation: Timing };
  storage: { table: string; bytes: number }[];
  loadLoadavg: number;
}
const reports: SizeReport[] = [];
let revisionBytes: { perRevision: number; gzipPerRevision: number; n: number } | null = null;
let contentless: { size: number; trigramWithContent: number; trigramContentless: number } | null = null;

/** Bytes per table and index (SQLite's dbstat), FTS5 shadow tables counted under their index. */
function storageOf(file: string): { table: string; bytes: number }[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db
      .prepare(
        'SELECT s.name AS name, m.tbl_name AS tbl, SUM(s.pgsize) AS bytes FROM dbstat s LEFT JOIN sqlite_schema m ON m.name = s.name GROUP BY s.name',
      )
      .all() as { name: string; tbl: string | null; bytes: number }[];
    const totals = new Map<string, number>();
    for (const { name, tbl, bytes } of rows) {
      const owner = /^(issue_search|issue_grams|t_contentless)_/.exec(name)?.[1] ?? tbl ?? name;
      totals.set(owner, (totals.get(owner) ?? 0) + bytes);
    }
    return [...totals].map(([table, bytes]) => ({ table, bytes })).sort((a, b) => b.bytes - a.bytes);
  } finally {
    db.close();
  }
}

async function d1File(persist: string): Promise<string> {
  const files = (await readdir(persist, { recursive: true })).filter((f) => f.endsWith('.sqlite')).map((f) => join(persist, f));
  for (const file of files) {
    const db = new DatabaseSync(file, { readOnly: true });
    const has = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'issues'").get() !== undefined;
    db.close();
    if (has) return file;
  }
  throw new Error(`no D1 database under ${persist}`);
}

for (const size of SIZES) {
  const persist = await mkdtemp(join(tmpdir(), 'masthead-bench-d1-'));
  let worker: LocalWorker = await startLocalWorker({ bundle: benchBundle, log: () => {}, assets: false, persist });
  const db = await worker.mf.getD1Database('DB');
  for (let i = 0; i < size; i += 20) {
    await bulkInsertPublished(
      db,
      Array.from({ length: Math.min(20, size - i) }, (_, k) => benchIssue(i + k)),
    );
    if ((i / 20) % 500 === 0) log(`loading ${size} issues: ${i}`);
  }
  await bulkRecount(db);
  const token = await worker.token('editor');
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  // The data went around the Worker: tell it, as a publish would, by publishing one more issue.
  const created = (await (
    await get(`${worker.url}/api/v1/admin/issues`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: `bench ${size}`, body: '본문', tags: ['ai'] }),
    })
  ).json()) as { id: string };
  await get(`${worker.url}/api/v1/admin/issues/${created.id}/publish`, { method: 'POST', headers });

  // Revisions, once: issues written through the editor API (create, then publish: two revisions each).
  if (revisionBytes === null) {
    const n = QUICK ? 10 : 50;
    for (let i = 0; i < n; i++) {
      const issue = benchIssue(size + i);
      const body = {
        title: issue.title,
        subtitle: issue.subtitle,
        summary: issue.summary,
        body: issue.body,
        teasers: issue.teasers,
        tags: issue.tags,
        slug: `rev-${i}`,
      };
      const made = (await (
        await get(`${worker.url}/api/v1/admin/issues`, { method: 'POST', headers, body: JSON.stringify(body) })
      ).json()) as { id: string };
      await get(`${worker.url}/api/v1/admin/issues/${made.id}/publish`, { method: 'POST', headers });
    }
    const snapshots = (await db.prepare('SELECT snapshot FROM revisions').all<{ snapshot: string }>()).results;
    const revisions = storageOf(await d1File(persist)).find((t) => t.table === 'revisions')?.bytes ?? NaN;
    const gzip = snapshots.reduce((sum, { snapshot }) => sum + gzipSync(snapshot).byteLength, 0);
    const raw = snapshots.reduce((sum, { snapshot }) => sum + Buffer.byteLength(snapshot), 0);
    revisionBytes = {
      perRevision: revisions / snapshots.length,
      gzipPerRevision: (revisions / snapshots.length) * (gzip / raw),
      n: snapshots.length,
    };
  }

  const helloResult = wrk(`http://127.0.0.1:${helloPort}/`);
  log(`${size}: hello-world ${Math.round(helloResult.rps)} req/s`);
  const slug = 'bench-7';
  const endpoints: [string, string, boolean][] = [
    ['/', '/', true],
    ['/issues/{slug}', `/issues/${slug}`, true],
    ['/tags/{tag}', '/tags/ai', true],
    ['/feed.xml', '/feed.xml', true],
    ['/atom.xml', '/atom.xml', true],
    ['/feed.json', '/feed.json', true],
    ['/tags/{tag}/feed.xml', '/tags/ai/feed.xml', true],
    ['/embed/{slug}', `/embed/${slug}`, true],
    ['/embed/{slug}?view=card', `/embed/${slug}?view=card`, true],
    ['/oembed', `/oembed?url=${encodeURIComponent(`${worker.url}/issues/${slug}`)}`, true],
    ['/api/v1/issues', '/api/v1/issues', true],
    ['/api/v1/issues?q=', `/api/v1/issues?q=${encodeURIComponent('클라우드')}`, false],
    ['/api/v1/issues/{slug}', `/api/v1/issues/${slug}`, true],
    ['/api/v1/tags', '/api/v1/tags', true],
    ['/api/v1/openapi.json', '/api/v1/openapi.json', true],
  ];
  const endpointReports: EndpointReport[] = [];
  for (const [name, path, shared] of endpoints) {
    const url = `${worker.url}${path}`;
    const first = await get(url); // renders, and stores the output in both tiers
    const bytes = (await first.arrayBuffer()).byteLength;
    if (!first.ok) throw new Error(`${url}: ${first.status}`);
    const isolate = wrk(url);
    const edge = shared ? wrk(url, { 'Masthead-Bench': 'edge' }) : null;
    const same = wrk(`http://127.0.0.1:${staticPort}/${bytes}`);
    endpointReports.push({ name, bytes, isolate, edge, same });
    if (QUICK)
      console.log(
        `${name} ${Math.round(isolate.rps)} ${round(isolate.rps / helloResult.rps, 2)} ${round(isolate.p99, 2)} ${isolate.errors}`,
      );
    else
      log(
        `${size}: ${name} ${Math.round(isolate.rps)} req/s (isolate), ${edge === null ? '-' : Math.round(edge.rps)} (edge), ${Math.round(same.rps)} (static ${bytes} B)`,
      );
  }

  // Rendered from D1 on every request. Where a route has many URLs, each sample is another one.
  const u = (path: string) => `${worker.url}${path}`;
  const search = (q: string, tag?: string) =>
    u(`/api/v1/issues?q=${encodeURIComponent(q)}${tag === undefined ? '' : `&tag=${encodeURIComponent(tag)}`}`);
  const longWords = WORDS.filter((w) => [...w].length >= 3);
  const twoChar = [...new Set(WORDS.map((w) => [...w].slice(0, 2).join('')))];
  const oneChar = [...new Set(WORDS.flatMap((w) => [...w].slice(0, 1)))];
  log(`${size}: rendering from D1 (${RENDERS} requests a row)...`);
  const renders: Record<string, Timing> = {
    'home page `/`': await rendered(cycle([u('/')], RENDERS)),
    'issue page `/issues/{slug}`': await rendered(Array.from({ length: RENDERS }, (_, i) => u(`/issues/bench-${(i * 7919) % size}`))),
    'main feed `/feed.xml`': await rendered(cycle([u('/feed.xml')], RENDERS)),
    'tag feed `/tags/{tag}/feed.xml`': await rendered(
      cycle(
        TAGS.map((t) => u(`/tags/${encodeURIComponent(t)}/feed.xml`)),
        RENDERS,
      ),
    ),
    'list API `/api/v1/issues`': await rendered(cycle([u('/api/v1/issues')], RENDERS)),
    'list API by tag `?tag=`': await rendered(
      cycle(
        TAGS.map((t) => u(`/api/v1/issues?tag=${encodeURIComponent(t)}`)),
        RENDERS,
      ),
    ),
    'search, one term of 3+ characters': await rendered(
      cycle(
        longWords.map((w) => search(w)),
        RENDERS,
      ),
    ),
    'search, two terms of 3+ characters': await rendered(
      Array.from({ length: RENDERS }, (_, k) => search(`${longWords[k % longWords.length]} ${longWords[(k * 7 + 3) % longWords.length]}`)),
    ),
    'search, one 2-character term': await rendered(
      cycle(
        twoChar.map((w) => search(w)),
        RENDERS,
      ),
    ),
    'search, 2-character term with a tag': await rendered(
      Array.from({ length: RENDERS }, (_, k) => search(twoChar[k % twoChar.length]!, TAGS[k % TAGS.length])),
    ),
    'search, 2-character and 3+-character terms': await rendered(
      Array.from({ length: RENDERS }, (_, k) => search(`${twoChar[k % twoChar.length]} ${longWords[(k * 7 + 3) % longWords.length]}`)),
    ),
    'search, 2-character term found nowhere': await rendered(
      cycle(
        ['쀍뛣', 'qz', 'ÿþ', '囧囧'].map((w) => search(w)),
        RENDERS,
      ),
    ),
    'search, one 1-character term': await rendered(
      cycle(
        oneChar.map((w) => search(w)),
        RENDERS,
      ),
    ),
  };

  // The first request a fresh isolate answers: workerd restarted over the same state on disk,
  // once with the location's cache (Cache API) as it was, once with it removed, so it renders.
  log(`${size}: ${FRESH} fresh isolates, twice...`);
  const firstPaths = ['/', '/feed.xml', '/api/v1/issues', `/issues/${slug}`];
  const port = Number(new URL(worker.url).port);
  const freshRuns = async (dropCache: boolean): Promise<Timing> => {
    const times: number[] = [];
    for (let i = 0; i < FRESH; i++) {
      await worker.dispose();
      if (dropCache) await rm(join(persist, 'cache'), { recursive: true, force: true });
      worker = await startLocalWorker({ bundle: benchBundle, log: () => {}, assets: false, persist, migrate: false, port });
      const start = performance.now();
      const response = await get(u(firstPaths[i % firstPaths.length]!));
      await response.arrayBuffer();
      times.push(performance.now() - start);
      const tier = response.headers.get('Masthead-Cache');
      if (tier !== (dropCache ? 'miss' : 'hit-edge'))
        throw new Error(`a fresh isolate answered ${tier} (cache ${dropCache ? 'removed' : 'kept'})`);
    }
    return summarize(times, firstPaths.length);
  };
  const fresh = { warmLocation: await freshRuns(false), emptyLocation: await freshRuns(true) };
  await worker.dispose();

  const file = await d1File(persist);
  const storage = storageOf(file);
  // What a contentless trigram index would take instead (it keeps no copy of the text).
  if (size === 10_000 || (QUICK && contentless === null)) {
    const copy = join(persist, 'contentless.sqlite');
    await cp(file, copy);
    const sqlite = new DatabaseSync(copy);
    sqlite.exec(
      "CREATE VIRTUAL TABLE t_contentless USING fts5 (title, summary, body, tokenize = 'trigram', content = '', contentless_delete = 1)",
    );
    sqlite.exec('INSERT INTO t_contentless (rowid, title, summary, body) SELECT rowid, title, summary, body FROM issue_search');
    sqlite.close();
    const measured = storageOf(copy);
    contentless = {
      size,
      trigramWithContent: storage.find((t) => t.table === 'issue_search')?.bytes ?? NaN,
      trigramContentless: measured.find((t) => t.table === 't_contentless')?.bytes ?? NaN,
    };
  }
  await rm(persist, { recursive: true, force: true });
  reports.push({ size, hello: helloResult, endpoints: endpointReports, renders, fresh, storage, loadLoadavg: loadavg()[0] ?? NaN });
}
await hello.dispose();
await staticWorker.dispose();

// ---------------------------------------------------------------------------------------------
// What a developer sees: the `npm run dev` path (wrangler dev, its proxy and the assets router)

/** The bytes of public/, which Workers Static Assets serves (the /docs renderer). */
const publicBytes = (
  await Promise.all(
    (
      await readdir('public', { recursive: true, withFileTypes: true })
    )
      .filter((e) => e.isFile())
      .map((e) => stat(join(e.parentPath, e.name))),
  )
).reduce((n, s) => n + s.size, 0);

interface DevReport {
  helloPlain: WrkResult;
  helloAssets: WrkResult;
  masthead: { name: string; result: WrkResult }[];
}
let dev: DevReport | null = null;
if (!QUICK) {
  log('wrangler dev: a hello-world Worker with and without the static-assets router, then Masthead...');
  const dir = await mkdtemp(join(tmpdir(), 'masthead-bench-dev-'));
  await writeFile(join(dir, 'index.js'), 'export default { fetch() { return new Response("hello") } }\n');
  const plainConfig = join(dir, 'plain.toml');
  const assetsConfig = join(dir, 'assets.toml');
  await writeFile(plainConfig, 'name = "hello"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n');
  await writeFile(
    assetsConfig,
    `name = "hello"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n[assets]\ndirectory = "${join(process.cwd(), 'public')}"\nbinding = "ASSETS"\nrun_worker_first = true\n`,
  );
  const measureDev = async (config: string | undefined, persistTo: string, vars: Record<string, string>, paths: string[]) => {
    const process_ = await startDev(persistTo, vars, undefined, config === undefined ? {} : { config });
    try {
      const results: { name: string; result: WrkResult }[] = [];
      for (const path of paths) {
        await (await get(`${process_.url}${path}`)).arrayBuffer();
        results.push({ name: path, result: wrk(`${process_.url}${path}`) });
      }
      return results;
    } finally {
      await process_.stop();
    }
  };
  const helloPlain = (await measureDev(plainConfig, join(dir, 'state-plain'), {}, ['/']))[0]!.result;
  const helloAssets = (await measureDev(assetsConfig, join(dir, 'state-assets'), {}, ['/']))[0]!.result;
  // Masthead as `npm run dev` runs it (wrangler.toml), over a migrated database holding one issue.
  const persistTo = join(dir, 'state-masthead');
  await applyMigrations({ persistTo });
  const token = await mintLocalToken({ persistTo }, 'bench', 'editor');
  const devPort = await freePort();
  const base = `http://127.0.0.1:${devPort}`;
  const devProcess = await startDev(persistTo, { SITE_URL: base, CF_VERSION_METADATA: '', FEEDBACK_HASH_SECRET: 'bench-only' }, devPort);
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const one = benchIssue(1);
  const made = (await (
    await get(`${base}/api/v1/admin/issues`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: one.title, summary: one.summary, body: one.body, tags: one.tags, slug: 'bench-dev' }),
    })
  ).json()) as { id: string };
  await get(`${base}/api/v1/admin/issues/${made.id}/publish`, { method: 'POST', headers: auth });
  await devProcess.stop();
  const masthead = await measureDev(undefined, persistTo, { SITE_URL: base, CF_VERSION_METADATA: '', FEEDBACK_HASH_SECRET: 'bench-only' }, [
    '/',
    '/issues/bench-dev',
    '/feed.xml',
    '/api/v1/issues',
    '/docs',
    '/docs/init.js',
  ]);
  dev = { helloPlain, helloAssets, masthead };
  await rm(dir, { recursive: true, force: true });
}

if (QUICK) {
  const last = reports.at(-1)!;
  console.log(`hello-world ${Math.round(last.hello.rps)} 1 ${round(last.hello.p99, 2)} ${last.hello.errors}`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// BENCHMARKS.md

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const ratio = (a: number, b: number) => round(a / b, 2);
const ms = (n: number | null) => (n === null ? '—' : round(n, 2));
const lines: string[] = [
  '# Benchmarks',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` at commit ${commit}${dirty ? ' (with uncommitted changes)' : ''}, on ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Every figure below comes from that one run; each label says what was measured, where, and from how many samples.`,
  '',
  "**How.** The Worker is the bundle `wrangler deploy --dry-run` builds, run on workerd through Miniflare's API (not `wrangler dev`; that path has its own table at the end), with D1, KV and the Cache API in Miniflare's local SQLite files on disk. wrk runs on loopback with " +
    `${THREADS} threads and ${CONNECTIONS} connections for ${DURATION_S} s per row; the same machine runs wrk, Node and workerd (2 cores), so the tails are the machine's as much as the Worker's. Each data set gets its own ceilings, measured in the same run: a hello-world Worker (5-byte body) and a static Worker answering a fixed body of exactly the size of each output, both on workerd through Miniflare's API.`,
  '',
  `**Uncached.** The benchmark builds a second bundle with \`--define MASTHEAD_BENCH:true\`, which compiles in a request header that skips cache tiers (\`src/routes/cached.ts\`); \`wrangler.toml\` defines it false, so the deployed bundle does not contain it (CI checks the header name is absent). \`Masthead-Bench: render\` renders from D1 and stores nothing; \`Masthead-Bench: edge\` skips the isolate tier, so every request reads the location's cache (the Cache API). SQLite's page cache: warm. D1 runs in the same workerd process over a file the OS has in memory, just after the data set was written; no row below reads a page from disk.`,
  '',
  `## The Worker's startup`,
  '',
  `\`wrangler check startup\` profiles the startup phase Cloudflare limits at deploy (evaluating the bundle and its top-level code) on local workerd: **${round(startup.p50, 1)} ms** CPU active, median of n = ${startup.n} (max ${round(startup.max, 1)} ms). A local CPU, not Cloudflare's.`,
  '',
  `Bundle (\`wrangler deploy --dry-run\`, minified): ${kib(bundleSize.raw)} raw, ${kib(bundleSize.gzip)} gzip (zlib default level).`,
  '',
];
for (const report of reports) {
  const h = report.hello;
  lines.push(
    `## ${report.size.toLocaleString('en')} issues`,
    '',
    `Ceiling in this run: hello-world **${Math.round(h.rps)} requests/s** (p50 ${round(h.p50, 2)} ms, p99 ${round(h.p99, 2)} ms over ${h.requests.toLocaleString('en')} requests, ${h.errors} errors).`,
    '',
    '### Cached reads under load (wrk)',
    '',
    '"Isolate": the output is in the isolate\'s own cache (no binding I/O). "Location": the isolate tier skipped, so each request reads the Cache API, as a new isolate in a warm location does. "Static": a Worker answering the same number of bytes from memory. p99 is wrk\'s, over every request of the row.',
    '',
    '| endpoint | body bytes | isolate req/s | ÷ hello | ÷ static | isolate p50 / p99 ms | location req/s | location ÷ static | location p50 / p99 ms | static req/s | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const e of report.endpoints) {
    const errors = e.isolate.errors + (e.edge?.errors ?? 0) + e.same.errors;
    lines.push(
      `| \`${e.name}\` | ${e.bytes.toLocaleString('en')} | ${Math.round(e.isolate.rps)} | ${ratio(e.isolate.rps, h.rps)} | ${ratio(e.isolate.rps, e.same.rps)} | ${round(e.isolate.p50, 2)} / ${round(e.isolate.p99, 2)} | ` +
        `${e.edge === null ? 'not stored¹' : Math.round(e.edge.rps)} | ${e.edge === null ? '—' : ratio(e.edge.rps, e.same.rps)} | ${e.edge === null ? '—' : `${round(e.edge.p50, 2)} / ${round(e.edge.p99, 2)}`} | ${Math.round(e.same.rps)} | ${errors} |`,
    );
  }
  lines.push(
    '',
    "¹ Searches are kept in the isolate only, so that endless distinct queries cannot push other outputs out of the location's cache.",
    '',
    `### Rendered from D1 on every request (\`Masthead-Bench: render\`)`,
    '',
    'Sequential requests from Node over loopback, each rendered from D1: the time a cache miss costs. "URLs" is how many distinct URLs the samples cover (issue pages, tags and search terms vary; the home page, main feed and list are one URL each).',
    '',
    '| what | p50 ms | p99 ms | max ms | n | URLs |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [name, t] of Object.entries(report.renders))
    lines.push(`| ${name} | ${ms(t.p50)} | ${ms(t.p99)} | ${ms(t.max)} | ${t.n} | ${t.distinct} |`);
  lines.push(
    '',
    `### The first request of a fresh isolate`,
    '',
    `workerd restarted over the same state on disk; after each start, one request (in turn \`/\`, \`/feed.xml\`, \`/api/v1/issues\`, an issue page), timed from Node. It includes the script's startup and the content version read from D1. No p99 under 100 samples.`,
    '',
    '| location cache | answered from | p50 ms | max ms | n |',
    '| --- | --- | ---: | ---: | ---: |',
    `| kept (a new isolate in a busy location) | the Cache API | ${round(report.fresh.warmLocation.p50, 1)} | ${round(report.fresh.warmLocation.max, 1)} | ${report.fresh.warmLocation.n} |`,
    `| removed (a cold location) | a render from D1 | ${round(report.fresh.emptyLocation.p50, 1)} | ${round(report.fresh.emptyLocation.max, 1)} | ${report.fresh.emptyLocation.n} |`,
    '',
    '### Storage (D1)',
    '',
    `SQLite's own page count per table, indexes included (dbstat), after the data set was loaded: ${report.size.toLocaleString('en')} generated issues (~1 KB Korean bodies, no revisions), plus the issues written through the API in this run.`,
    '',
    '| table | bytes | bytes per issue |',
    '| --- | ---: | ---: |',
    ...report.storage
      .filter((t) => t.bytes >= 8192 || ['issues', 'issue_search', 'issue_grams', 'issue_tags', 'revisions'].includes(t.table))
      .map((t) => `| ${t.table} | ${t.bytes.toLocaleString('en')} | ${Math.round(t.bytes / report.size).toLocaleString('en')} |`),
    `| **all** | ${report.storage.reduce((n, t) => n + t.bytes, 0).toLocaleString('en')} | ${Math.round(report.storage.reduce((n, t) => n + t.bytes, 0) / report.size).toLocaleString('en')} |`,
    '',
  );
}

// Capacity, from the largest data set (per issue without revisions) and the revisions written through the API.
const largest = reports.at(-1)!;
const smallest = reports[0]!;
const perIssue = largest.storage.filter((t) => t.table !== 'revisions').reduce((n, t) => n + t.bytes, 0) / largest.size;
const perRevision = revisionBytes!.perRevision;
const fits = (limit: number, revisions: number) => Math.floor(limit / (perIssue + revisions * perRevision)).toLocaleString('en');
lines.push(
  '## Capacity',
  '',
  `Per issue at ${largest.size.toLocaleString('en')} issues, every table but revisions: ${Math.round(perIssue).toLocaleString('en')} bytes. Per revision (the revisions table over the ${revisionBytes!.n} revisions written through the editor API in the first data set, create and publish of generated issues): ${Math.round(perRevision).toLocaleString('en')} bytes. Larger bodies than these ~1 KB ones take more.`,
  '',
  '| revisions per issue | issues in 500 MB (D1 Free) | issues in 10 GB (D1 Paid) |',
  '| ---: | ---: | ---: |',
  ...[1, 5, 20].map((r) => `| ${r} | ${fits(500e6, r)} | ${fits(10e9, r)} |`),
  '',
  `- Compressing revision snapshots (gzip, measured in Node on the same ${revisionBytes!.n} snapshots) would take a revision to about ${Math.round(revisionBytes!.gzipPerRevision).toLocaleString('en')} bytes.`,
  contentless === null
    ? '- A contentless trigram index was not measured in this run.'
    : `- A contentless trigram index (no copy of the text) over the same ${contentless.size.toLocaleString('en')} issues: ${contentless.trigramContentless.toLocaleString('en')} bytes against ${contentless.trigramWithContent.toLocaleString('en')} for today's (${round((1 - contentless.trigramContentless / contentless.trigramWithContent) * 100, 0)}% less). Today's keeps the text because the short-term scan needs it while issues wait for their gram rows.`,
  '',
);

if (dev !== null) {
  lines.push(
    '## What a developer sees: `wrangler dev`',
    '',
    `The \`npm run dev\` path: \`wrangler dev\` with its proxy, its static-assets router and local bindings, wrk as above. Not comparable with the tables above; the hello-world rows are its ceiling. Masthead here runs over a database holding one issue (isolate-cache hits after the first request).`,
    '',
    '| Worker | path | requests/s | ÷ hello-world (no assets) | p50 / p99 ms | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    `| hello-world, no assets | / | ${Math.round(dev.helloPlain.rps)} | 1 | ${round(dev.helloPlain.p50, 2)} / ${round(dev.helloPlain.p99, 2)} | ${dev.helloPlain.errors} |`,
    `| hello-world, \`[assets]\` with run_worker_first (as Masthead) | / | ${Math.round(dev.helloAssets.rps)} | ${ratio(dev.helloAssets.rps, dev.helloPlain.rps)} | ${round(dev.helloAssets.p50, 2)} / ${round(dev.helloAssets.p99, 2)} | ${dev.helloAssets.errors} |`,
    ...dev.masthead.map(
      ({ name, result }) =>
        `| Masthead | \`${name}\` | ${Math.round(result.rps)} | ${ratio(result.rps, dev!.helloPlain.rps)} | ${round(result.p50, 2)} / ${round(result.p99, 2)} | ${result.errors} |`,
    ),
    '',
    `The assets router costs the hello-world ${round((1 - dev.helloAssets.rps / dev.helloPlain.rps) * 100, 0)}% of its throughput locally. It stays: on Cloudflare the asset lookup runs at the edge before the Worker, so this is a local cost only, and serving \`/docs\` from the Worker would put the ${kib(publicBytes)} of \`public/\` (Swagger UI) into the bundle, whose startup is measured above.`,
    '',
  );
}

// Targets, judged from the figures above.
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const minIsolate = Math.min(...reports.flatMap((r) => r.endpoints.map((e) => e.isolate.rps / r.hello.rps)));
const allErrors = reports.reduce(
  (n, r) => n + r.endpoints.reduce((m, e) => m + e.isolate.errors + (e.edge?.errors ?? 0) + e.same.errors, 0),
  0,
);
const render = (r: SizeReport, name: string) => r.renders[name]!;
const growth = (name: string) => render(largest, name).p50 / render(smallest, name).p50;
const searchRows = Object.keys(largest.renders).filter((name) => name.startsWith('search'));
const feedP50 = Math.max(...reports.map((r) => render(r, 'main feed `/feed.xml`').p50));
lines.push(
  '## Targets',
  '',
  '| target | measured | verdict |',
  '| --- | --- | --- |',
  `| cached reads (isolate tier) ≥ 50% of hello-world of the same run, zero errors | lowest ratio ${round(minIsolate, 2)}, ${allErrors} errors | ${verdict(minIsolate >= 0.5 && allErrors === 0)} |`,
  `| main feed rendered from D1 in the Worker ≤ 5 ms (p50, n = ${RENDERS}, every data set) | ${round(feedP50, 2)} ms at most | ${verdict(feedP50 <= 5)} |`,
  ...['list API `/api/v1/issues`', 'list API by tag `?tag=`', 'main feed `/feed.xml`', 'tag feed `/tags/{tag}/feed.xml`'].map(
    (name) =>
      `| ${name}: rendered p50 at ${largest.size.toLocaleString('en')} ≤ 1.5 × at ${smallest.size} | ${ms(render(largest, name).p50)} ms vs ${ms(render(smallest, name).p50)} ms: ${round(growth(name), 2)}× | ${verdict(growth(name) <= 1.5)} |`,
  ),
  ...searchRows.map((name) => {
    const p99 = render(largest, name).p99;
    return `| ${name}: p99 at ${largest.size.toLocaleString('en')} ≤ 50 ms (n = ${render(largest, name).n}) | ${ms(p99)} ms | ${p99 === null ? 'not judged (n < 100)' : verdict(p99 <= 50)} |`;
  }),
  `| bundle ≤ 200 KiB gzip | ${kib(bundleSize.gzip)} | ${verdict(bundleSize.gzip <= 200 * 1024)} |`,
  '',
  '## Notes',
  '',
  "- Search pages in the index's order (most recently published first) and stops after one page, so a common term costs no more than a rare one. Terms of 3+ characters use the FTS5 trigram index; shorter ones the gram index (every character and pair of adjacent characters of each issue); no search scans issue text once the gram rows are written.",
  '- Archive pages of the feeds use OFFSET, so the newest archive page reads the whole index at 100,000 issues; they are cached for a day and are not timed here.',
  `- The machine's 1-minute load average when each data set finished: ${reports.map((r) => `${r.size.toLocaleString('en')}: ${round(r.loadLoadavg, 2)}`).join(', ')}.`,
);
// The sections other bench scripts own (`npm run bench:sanitize`) stay as they are.
const kept = await markedSections();
await writeFile('BENCHMARKS.md', `${lines.join('\n')}\n${kept === '' ? '' : `\n${kept}`}`);
log('wrote BENCHMARKS.md');
