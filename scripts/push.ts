// `npm run push -- issue.md [more.md ...] [--publish | --at 2026-12-01T09:00:00+09:00] [--dry-run]`:
// the editor's command. For each Markdown file (YAML front matter + body, as the API takes it) it
// uploads the local files the file references (images, the cover, attachments), rewrites those
// references to their URLs, creates
// the issue or updates the one with the same slug (If-Match from a fresh read, so an edit made
// meanwhile on the site is refused, never overwritten), publishes or schedules it when asked, and
// prints one line per file. Sending the same file again changes nothing. Against `npm run dev` or a
// deployed Worker alike: MASTHEAD_URL and MASTHEAD_TOKEN, or a .mastheadrc (README, "npm run push").
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { apiClient, apiSettings } from './lib/api-client';
import { localImagesIn, pushPlan } from './lib/push-plan';

const USAGE = `Usage:
  npm run push -- issue.md [more.md ...] [--publish | --at <RFC 3339 time>] [--dry-run] [--force]
--force updates an issue that was changed on the site since this folder's last push.
Needs MASTHEAD_URL and MASTHEAD_TOKEN in the environment, or a .mastheadrc file (in this folder or
your home folder) holding {"url": "https://news.example", "token": "mh_..."}.`;

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `${message}\n\n${USAGE}` : message);
  process.exit(code);
}

const { positionals: files, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        publish: { type: 'boolean', default: false },
        at: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (files.length === 0) fail('Name at least one Markdown file.');
if (values.publish && values.at !== undefined) fail('Use --publish or --at, not both.');
if (values.at !== undefined && (Number.isNaN(Date.parse(values.at)) || !/(?:Z|[+-]\d{2}:?\d{2})$/i.test(values.at))) {
  fail(`--at ${values.at} is not a time with its zone, such as 2026-12-01T09:00:00+09:00.`);
}

/** Where the editor ran the command (npm runs scripts from the package's folder). */
const here = process.env.INIT_CWD ?? process.cwd();

async function settings(): Promise<{ url: string; token: string }> {
  const found = await apiSettings(here);
  if ('error' in found) return fail(found.error, found.usage ? 2 : 1);
  return found;
}

const { url: site, token } = await settings();
const dryRun = values['dry-run'];
const log = (line: string) => console.error(line);

/** One API call; a refusal stops the file with the problem's own words. */
const api = apiClient(site, token);

/**
 * What this folder last pushed, per file: the issue and the version the push left, so an edit made
 * on the site since (a newer version) is noticed before it would be overwritten. Kept in
 * `.masthead-push.json` beside the files; a folder without one (a fresh copy) trusts a fresh read.
 */
type PushState = Record<string, { id: string; version: number }>;
const STATE_FILE = '.masthead-push.json';

async function readState(folder: string): Promise<PushState> {
  const text = await readFile(join(folder, STATE_FILE), 'utf8').catch(() => null);
  if (text === null) return {};
  try {
    return JSON.parse(text) as PushState;
  } catch {
    return {};
  }
}

async function remember(file: string, id: string, version: number): Promise<void> {
  const folder = dirname(file);
  const state = await readState(folder);
  state[basename(file)] = { id, version };
  await writeFile(join(folder, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

interface EditorIssue {
  id: string;
  version: number;
  status: string;
  publish_at: string | null;
}

async function pushFile(file: string): Promise<string> {
  const source = await readFile(file, 'utf8').catch(() => {
    throw new Error('cannot be read');
  });
  const plan = pushPlan(source, basename(file, '.md'), basename(dirname(file)));
  if (!plan.ok) throw new Error(plan.error);
  const { slug, files } = plan;
  let document = plan.document;

  // 1. Local files (images, the cover, attachments): uploaded (stored once by their hash), their references rewritten.
  for (const [index, image] of files.entries()) {
    const path = resolve(dirname(file), decodeURI(image));
    const bytes = await readFile(path).catch(() => {
      throw new Error(`references ${image}, which cannot be read (${path})`);
    });
    if (dryRun) {
      log(`  would upload ${image} (${bytes.byteLength} bytes)`);
      continue;
    }
    log(`  uploading ${image} (${index + 1}/${files.length}, ${bytes.byteLength} bytes)`);
    const uploaded = (await (await api('/api/v1/admin/media', { method: 'POST', body: bytes })).json()) as { url: string };
    document = plan.withUpload(document, image, { path: new URL(uploaded.url).pathname, url: uploaded.url });
  }
  if (!dryRun) {
    const left = localImagesIn(String(document.body ?? ''));
    if (left.length > 0) throw new Error(`could not rewrite the reference(s) to ${left.join(', ')}; write them as ![alt](path)`);
  }

  // 2. The issue with this slug, if there is one: updated from a fresh read, or created.
  const found = (await (await api(`/api/v1/admin/issues?slug=${encodeURIComponent(slug)}&limit=1`)).json()) as {
    issues: { id: string }[];
  };
  const existing = found.issues[0];
  const json = { 'Content-Type': 'application/json' };
  const asked = values.publish ? ', then publish it' : values.at !== undefined ? `, then schedule it for ${values.at}` : '';
  let issue: EditorIssue;
  let etag: string;
  let outcome: string;
  if (existing === undefined) {
    if (dryRun) return `would create ${slug}${asked}`;
    const key = createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 32);
    const created = await api('/api/v1/admin/issues', {
      method: 'POST',
      headers: { ...json, 'Idempotency-Key': key },
      body: JSON.stringify(document),
    });
    issue = (await created.json()) as EditorIssue;
    etag = created.headers.get('ETag') ?? '';
    outcome = 'created';
  } else {
    const current = await api(`/api/v1/admin/issues/${existing.id}`);
    const before = (await current.json()) as EditorIssue;
    const last = (await readState(dirname(file)))[basename(file)];
    if (last !== undefined && last.id === before.id && last.version !== before.version && !values.force) {
      throw new Error(
        `${slug} was changed on the site since this folder's last push (it is at version ${before.version}; the push left version ${last.version}). Bring the change into the file, or push with --force to overwrite it.`,
      );
    }
    if (dryRun) return `would update ${slug} (now version ${before.version}, ${before.status}) if the file differs${asked}`;
    const replaced = await api(`/api/v1/admin/issues/${before.id}`, {
      method: 'PUT',
      headers: { ...json, 'If-Match': current.headers.get('ETag') ?? '' },
      body: JSON.stringify(document),
    });
    issue = (await replaced.json()) as EditorIssue;
    etag = replaced.headers.get('ETag') ?? '';
    outcome = issue.version === before.version ? 'unchanged' : `updated (version ${issue.version})`;
  }

  // 3. Published, or scheduled, when asked and not so already.
  const at = values.at === undefined ? null : new Date(values.at).toISOString();
  const publish = async (body: object) => {
    const answer = await api(`/api/v1/admin/issues/${issue.id}/publish`, {
      method: 'POST',
      headers: { ...json, 'If-Match': etag },
      body: JSON.stringify(body),
    });
    issue = (await answer.json()) as EditorIssue;
  };
  if (values.publish && issue.status !== 'published') {
    await publish({});
    outcome += ', published';
  } else if (at !== null && issue.status !== 'published' && !(issue.status === 'scheduled' && issue.publish_at === at)) {
    await publish({ at });
    outcome += issue.status === 'published' ? ', published (its time had come)' : `, scheduled for ${at}`;
  } else if (issue.status === 'scheduled') outcome += `, scheduled for ${issue.publish_at ?? at}`;
  else outcome += `, ${issue.status}`;
  await remember(file, issue.id, issue.version);
  return `${outcome}\t${site}/issues/${encodeURIComponent(slug)}`;
}

let failed = 0;
for (const file of files) {
  log(`${file}:`);
  try {
    console.log(`${file}\t${await pushFile(resolve(here, file))}`);
  } catch (error) {
    failed += 1;
    console.log(`${file}\tfailed: ${(error as Error).message}`);
  }
}
if (failed > 0) {
  console.error(`${failed} of ${files.length} file(s) failed.`);
  process.exit(1);
}
