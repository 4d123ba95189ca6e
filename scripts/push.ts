// `npm run push -- issue.md [more.md ...] [--publish | --at 2026-12-01T09:00:00+09:00] [--dry-run]`:
// the editor's command. For each Markdown file (YAML front matter + body, as the API takes it) it
// uploads the local files the file references (images, the cover, attachments), rewrites those
// references to their URLs, creates
// the issue or updates the one with the same slug (If-Match from a fresh read, so an edit made
// meanwhile on the site is refused, never overwritten), publishes or schedules it when asked, and
// prints one line per file. Sending the same file again changes nothing. Against `npm run dev` or a
// deployed Worker alike: MASTHEAD_URL and MASTHEAD_TOKEN, or a .mastheadrc (README, "npm run push").
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { apiClient, apiSettings } from './lib/api-client';
import { type LocalFile, readLocalFile, readMarkdownFile, readMarkdownPath, resolveInside } from './lib/local-files';
import { localImagesIn, pushPlan } from './lib/push-plan';
import { readPushState, rememberPush } from './lib/push-state';

const USAGE = `Usage:
  npm run push -- issue.md [more.md ...] [--publish | --at <RFC 3339 time>] [--dry-run] [--force]
--force updates an issue that was changed on the site since this folder's last push.
--dry-run checks every file and lists exactly what would be uploaded; it reads the site to say
what it would do, and uploads or changes nothing.
The site is MASTHEAD_URL, or the "url" of a .mastheadrc in this folder or your home folder; the
token is MASTHEAD_TOKEN (only beside MASTHEAD_URL), or the one kept for that site's origin in the
same file or in ~/.mastheadrc: {"sites": {"https://news.example": {"token": "mh_..."}}}.
Only files inside the Markdown file's own folder are uploaded.`;

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

async function settings(): Promise<{ url: string; token: string; from: string }> {
  const found = await apiSettings(here);
  if ('error' in found) return fail(found.error, found.usage ? 2 : 1);
  return found;
}

const { url: site, token, from } = await settings();
const dryRun = values['dry-run'];
const log = (line: string) => console.error(line);
log(`site: ${site} (from ${from})`);

/** One API call; a refusal stops the file with the problem's own words. */
const api = apiClient(site, token);

/**
 * Every local file the plan names, checked before any is sent: inside the Markdown file's folder
 * (its real path), a regular file within the upload limit, of a kind the server stores.
 */
async function localFiles(file: string, references: string[], images: Set<string>): Promise<LocalFile[]> {
  const folder = dirname(file);
  const paths: string[] = [];
  // Every reference is placed first, so none outside the folder is opened while another is read.
  for (const reference of references) paths.push(await resolveInside(folder, reference));
  const read: LocalFile[] = [];
  for (const [index, reference] of references.entries())
    read.push(await readLocalFile(folder, reference, paths[index]!, images.has(reference)));
  return read;
}

const describeFile = (f: LocalFile) =>
  `${f.reference} (${f.path}, ${f.contentType}${f.width === null ? '' : `, ${f.width}×${f.height}`}, ${f.bytes.byteLength} bytes)`;

interface EditorIssue {
  id: string;
  version: number;
  status: string;
  publish_at: string | null;
}

async function pushFile(named: string): Promise<string> {
  // The Markdown file itself must be in the folder it is named in: a symbolic link planted among
  // the files (`npm run push -- *.md`) would otherwise send a file from elsewhere.
  const file = await readMarkdownPath(named);
  const source = (await readMarkdownFile(file)).toString('utf8');
  const plan = pushPlan(source, basename(file, '.md'), basename(dirname(file)));
  if (!plan.ok) throw new Error(plan.error);
  const { slug, files } = plan;
  let document = plan.document;

  // 1. Local files (images, the cover, attachments): checked, all of them, before any is sent;
  // uploaded (stored once by their hash), their references rewritten.
  const local = await localFiles(file, files, plan.images);
  for (const [index, found] of local.entries()) {
    if (dryRun) {
      log(`  would upload ${describeFile(found)}`);
      continue;
    }
    log(`  uploading ${found.reference} (${index + 1}/${local.length}, ${found.bytes.byteLength} bytes)`);
    const answer = await api('/api/v1/admin/media', { method: 'POST', headers: { 'Content-Type': found.contentType }, body: found.bytes });
    const uploaded = (await answer.json()) as { url: string };
    document = plan.withUpload(document, found.reference, { path: new URL(uploaded.url).pathname, url: uploaded.url });
  }
  // Every local reference must be rewritable: checked with --dry-run too, on stand-in addresses.
  const rewritten = dryRun
    ? local.reduce(
        (d, f, i) => plan.withUpload(d, f.reference, { path: `/media/dry-run-${i}`, url: `${site}/media/dry-run-${i}` }),
        document,
      )
    : document;
  const left = localImagesIn(String(rewritten.body ?? ''));
  if (left.length > 0) throw new Error(`could not rewrite the reference(s) to ${left.join(', ')}; write them as ![alt](path)`);

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
    const last = (await readPushState())[site]?.[file];
    const ours = last !== undefined && last.id === before.id;
    if (ours && last.version !== before.version && !values.force) {
      throw new Error(
        `${slug} was changed on the site since this folder's last push (it is at version ${before.version}; the push left version ${last.version}). Bring the change into the file, or push with --force to overwrite it.`,
      );
    }
    if (!ours && (before.status === 'published' || before.status === 'scheduled') && !values.force) {
      throw new Error(
        `${slug} names an issue that is ${before.status} on the site and was not pushed from this folder: push with --force to replace it, or give this file another slug.`,
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
  await rememberPush(site, file, { id: issue.id, version: issue.version });
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
