// `npm run test:load [-- --seconds 60]`: readers (wrk) and editors (concurrent Node clients) against
// the built Worker on workerd at once, on loopback. Passes when no request got a 5xx and every
// write that was acknowledged is there afterwards.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startLocalWorker } from '../../scripts/lib/local-worker';
import { SIXTY, sixtyIssueInput } from '../fixtures/sixty-issues';
import { pushedSeedFile } from '../support/seed-node';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
const SECONDS = Number(values.seconds);
const EDITORS = 4;

const worker = await startLocalWorker({ assets: false });
const failures: string[] = [];
try {
  const token = await worker.token('admin');
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${worker.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  process.stderr.write('loading the seed issue and 30 fixture issues...\n');
  const seed = await pushedSeedFile(worker.url, token);
  const seedIssue = (await (
    await api('/api/v1/admin/issues', { method: 'POST', body: seed, headers: { 'Content-Type': 'text/markdown' } })
  ).json()) as { id: string; slug: string };
  await api(`/api/v1/admin/issues/${seedIssue.id}/publish`, { method: 'POST' });
  for (let i = 1; i <= Math.min(30, SIXTY); i++) {
    const { id } = (await (await api('/api/v1/admin/issues', { method: 'POST', body: JSON.stringify(sixtyIssueInput(i)) })).json()) as {
      id: string;
    };
    await api(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
  }

  // Readers: wrk cycling through every public page, feed and API answer, counting 5xx itself.
  const paths = [
    '/',
    `/issues/${encodeURIComponent(seedIssue.slug)}`,
    '/tags/ai',
    '/feed.xml',
    '/atom.xml',
    '/feed.json',
    '/tags/ai/feed.json',
    '/feed.json?archive=1',
    `/embed/${encodeURIComponent(seedIssue.slug)}`,
    `/embed/${encodeURIComponent(seedIssue.slug)}?view=card`,
    `/oembed?url=${encodeURIComponent(`${worker.url}/issues/${seedIssue.slug}`)}`,
    '/api/v1/issues',
    '/api/v1/issues?q=%ED%81%B4%EB%9D%BC%EC%9A%B0%EB%93%9C',
    '/api/v1/issues?tag=infra',
    `/api/v1/issues/${encodeURIComponent(seedIssue.slug)}`,
    '/api/v1/tags',
  ];
  const dir = await mkdtemp(join(tmpdir(), 'masthead-load-'));
  const script = join(dir, 'readers.lua');
  await writeFile(
    script,
    `local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) fivexx = 0; n = 0; paths = { ${paths.map((p) => `"${p}"`).join(', ')} } end
function request() n = n + 1; return wrk.format("GET", paths[(n % #paths) + 1]) end
function response(status, headers, body) if status >= 500 then fivexx = fivexx + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("fivexx") end
  io.write(string.format("READERS requests=%d fivexx=%d socket_errors=%d\\n", summary.requests, total, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`,
  );
  // wrk runs as its own process while the editors below work from this one.
  const readers = promisify(execFile)('wrk', ['-t2', '-c12', `-d${SECONDS}s`, '-s', script, worker.url], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  }).then((r) => r.stdout);

  // Editors: create (with Idempotency-Key), publish, edit with If-Match; every acknowledged write is noted.
  const acknowledged = new Map<string, { version: number; published: boolean; slug: string }>();
  let editorRequests = 0;
  let editorFivexx = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const editor = async (n: number) => {
    for (let i = 0; Date.now() < deadline; i++) {
      const send = async (path: string, init: RequestInit) => {
        const response = await api(path, init);
        editorRequests += 1;
        if (response.status >= 500) editorFivexx += 1;
        return response;
      };
      const created = await send('/api/v1/admin/issues', {
        method: 'POST',
        body: JSON.stringify({ title: `부하 ${n}-${i}`, body: `편집자 ${n}의 ${i}번째 이슈`, tags: ['load'] }),
        headers: { 'Idempotency-Key': `load-${n}-${i}` },
      });
      if (created.status !== 201) continue;
      const issue = (await created.json()) as { id: string; slug: string; version: number };
      acknowledged.set(issue.id, { version: issue.version, published: false, slug: issue.slug });
      const published = await send(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST' });
      if (published.ok)
        acknowledged.set(issue.id, {
          version: ((await published.json()) as { version: number }).version,
          published: true,
          slug: issue.slug,
        });
      const edited = await send(`/api/v1/admin/issues/${issue.id}`, {
        method: 'PATCH',
        body: '{"subtitle":"고침"}',
        headers: { 'If-Match': `"v${acknowledged.get(issue.id)!.version}"`, 'Content-Type': 'application/merge-patch+json' },
      });
      if (edited.ok)
        acknowledged.set(issue.id, { ...acknowledged.get(issue.id)!, version: ((await edited.json()) as { version: number }).version });
    }
  };
  await Promise.all(Array.from({ length: EDITORS }, (_, n) => editor(n)));
  const readerReport = await readers;
  const readerLine = /READERS requests=(\d+) fivexx=(\d+) socket_errors=(\d+)/.exec(readerReport);
  const [readerRequests, readerFivexx, socketErrors] = readerLine ? readerLine.slice(1).map(Number) : [0, -1, -1];

  // Every acknowledged write is there, at least at the acknowledged version; published ones are public.
  let lost = 0;
  for (const [id, expected] of acknowledged) {
    const response = await api(`/api/v1/admin/issues/${id}`);
    const stored = response.ok ? ((await response.json()) as { version: number; status: string }) : null;
    const publicStatus = expected.published
      ? (await fetch(`${worker.url}/api/v1/issues/${encodeURIComponent(expected.slug)}`)).status
      : 200;
    if (
      stored === null ||
      stored.version < expected.version ||
      (expected.published && (stored.status !== 'published' || publicStatus !== 200))
    )
      lost += 1;
  }
  console.log(
    `load: ${SECONDS} s, readers ${readerRequests} requests (${readerFivexx} 5xx, ${socketErrors} socket errors), editors ${editorRequests} requests (${editorFivexx} 5xx), ${acknowledged.size} issues written and acknowledged, ${lost} lost`,
  );
  if (readerFivexx !== 0 || socketErrors !== 0) failures.push(`readers got ${readerFivexx} 5xx and ${socketErrors} socket errors`);
  if (editorFivexx !== 0) failures.push(`editors got ${editorFivexx} 5xx`);
  if (lost !== 0) failures.push(`${lost} acknowledged writes are missing`);
  if (acknowledged.size === 0 || readerRequests === 0) failures.push('no load was applied');
} finally {
  await worker.dispose();
}
if (failures.length > 0) {
  console.error(`load test failed: ${failures.join('; ')}`);
  process.exit(1);
}
