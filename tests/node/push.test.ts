import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalWorker, startLocalWorker } from '../../scripts/lib/local-worker';
import { gif, mp3, png } from '../support/media-files';

/**
 * The editor's commands end to end, `npm run push` and `npm run import-email`: the built Worker on
 * workerd (Miniflare's API), a temporary folder with a Markdown issue, two images and a sent email,
 * and each command run as an editor runs it.
 */
const run = promisify(execFile);
let worker: LocalWorker;
let env: NodeJS.ProcessEnv;
let folder: string;

beforeAll(async () => {
  worker = await startLocalWorker({ log: () => {} });
  folder = await mkdtemp(join(tmpdir(), 'masthead-push-'));
  // A home of its own: push keeps what it pushed in ~/.masthead, never in the folder.
  await mkdir(join(folder, 'home'));
  env = { ...process.env, HOME: join(folder, 'home'), MASTHEAD_URL: worker.url, MASTHEAD_TOKEN: await worker.token('editor') };
  await mkdir(join(folder, 'images'));
  await writeFile(join(folder, 'images', 'chart.png'), await png(64, 48));
  await writeFile(join(folder, 'logo one.gif'), gif(12, 8));
  await writeFile(
    join(folder, 'weekly-7.md'),
    `---\ntitle: 푸시로 올린 이슈\nsummary:\n  - 첫째\n---\n## 차트\n\n![차트](images/chart.png)\n\n![로고](<logo one.gif>)\n\n![외부](https://images.example/x.png)\n`,
  );
}, 180_000);
afterAll(async () => worker?.dispose());

const push = (...args: string[]) => run('npx', ['tsx', 'scripts/push.ts', ...args], { env, cwd: process.cwd() });

describe('npm run push', () => {
  it('uploads the local images, creates and publishes the issue, and prints its URL', async () => {
    const { stdout, stderr } = await push(join(folder, 'weekly-7.md'), '--publish');
    expect(stderr).toContain('uploading images/chart.png (1/2');
    const [file, outcome, url] = stdout.trim().split('\t');
    expect(file).toBe(join(folder, 'weekly-7.md'));
    expect(outcome).toBe('created, published');
    expect(url).toBe(`${worker.url}/issues/weekly-7`);
    const page = await (await fetch(url!)).text();
    expect(page).toMatch(/<img src="\/media\/[0-9a-f]{64}\.png" alt="차트" width="64" height="48"/);
    expect(page).toMatch(/<img src="\/media\/[0-9a-f]{64}\.gif" alt="로고" width="12" height="8"/);
    expect(page).toContain('https://images.example/x.png');
  }, 120_000);

  it('changes nothing when run again, and updates the same issue when the file changes', async () => {
    const again = await push(join(folder, 'weekly-7.md'), '--publish');
    expect(again.stdout.trim().split('\t')[1]).toBe('unchanged, published');
    await writeFile(join(folder, 'weekly-7.md'), `---\ntitle: 푸시로 고친 이슈\n---\n![차트](images/chart.png)\n`);
    const changed = await push(join(folder, 'weekly-7.md'));
    expect(changed.stdout.trim().split('\t')[1]).toMatch(/^updated \(version \d+\), published$/);
    expect(await (await fetch(`${worker.url}/issues/weekly-7`)).text()).toContain('푸시로 고친 이슈');
  }, 120_000);

  it('refuses to overwrite an edit made on the site since the last push, unless --force', async () => {
    const auth = { Authorization: `Bearer ${env.MASTHEAD_TOKEN}` };
    const { issues } = (await (await fetch(`${worker.url}/api/v1/admin/issues?slug=weekly-7`, { headers: auth })).json()) as {
      issues: { id: string; version: number }[];
    };
    const id = issues[0]!.id;
    const current = await fetch(`${worker.url}/api/v1/admin/issues/${id}`, { headers: auth });
    const edited = await fetch(`${worker.url}/api/v1/admin/issues/${id}`, {
      method: 'PATCH',
      headers: { ...auth, 'Content-Type': 'application/merge-patch+json', 'If-Match': current.headers.get('ETag')! },
      body: JSON.stringify({ subtitle: '웹에서 고친 부제' }),
    });
    expect(edited.status).toBe(200);
    const refused = await push(join(folder, 'weekly-7.md')).catch((error: { stdout: string; code: number }) => error);
    expect('code' in refused && refused.code).toBe(1);
    expect(refused.stdout).toContain('was changed on the site since this folder');
    expect(await (await fetch(`${worker.url}/issues/weekly-7`)).text()).toContain('웹에서 고친 부제');
    const forced = await push(join(folder, 'weekly-7.md'), '--force');
    expect(forced.stdout.split('\t')[1]).toMatch(/^updated/);
  }, 120_000);

  it('uploads a cover image and reference-style images, and names an index.md by its folder', async () => {
    await mkdir(join(folder, '2026-12'));
    await writeFile(join(folder, '2026-12', 'cover.png'), await png(120, 60, [250, 200, 0]));
    await writeFile(join(folder, '2026-12', 'fig.gif'), gif(30, 20));
    await writeFile(
      join(folder, '2026-12', 'index.md'),
      `---\ntitle: 12월호\ncover_image: cover.png\n---\n![그림][fig]\n\n[fig]: fig.gif\n`,
    );
    const { stdout } = await push(join(folder, '2026-12', 'index.md'));
    expect(stdout.split('\t')[2]?.trim()).toBe(`${worker.url}/issues/2026-12`);
    const auth = { Authorization: `Bearer ${env.MASTHEAD_TOKEN}` };
    const { issues } = (await (await fetch(`${worker.url}/api/v1/admin/issues?slug=2026-12`, { headers: auth })).json()) as {
      issues: { id: string }[];
    };
    const issue = (await (await fetch(`${worker.url}/api/v1/admin/issues/${issues[0]!.id}`, { headers: auth })).json()) as {
      cover_image: string;
      body: string;
    };
    expect(issue.cover_image).toMatch(new RegExp(`^${worker.url}/media/[0-9a-f]{64}\\.png$`));
    expect(issue.body).toMatch(/\[fig\]: \/media\/[0-9a-f]{64}\.gif/);
  }, 120_000);

  it('uploads a cover given with its alt text and a local attachment, typed and sized by the upload', async () => {
    await mkdir(join(folder, 'podcast'));
    await writeFile(join(folder, 'podcast', 'cover.png'), await png(90, 60, [0, 120, 60]));
    const episode = mp3(50);
    await writeFile(join(folder, 'podcast', 'episode 1.mp3'), episode);
    await writeFile(
      join(folder, 'podcast', 'index.md'),
      `---\ntitle: 오디오 호\ncover:\n  url: cover.png\n  alt: 초록 표지\nattachments:\n  - url: episode 1.mp3\n    title: 1화 듣기\n  - url: https://cdn.example/notes.pdf\n    content_type: application/pdf\n    bytes: 2048\n---\n본문\n`,
    );
    const { stderr } = await push(join(folder, 'podcast', 'index.md'));
    expect(stderr).toContain('uploading episode 1.mp3 (2/2');
    const auth = { Authorization: `Bearer ${env.MASTHEAD_TOKEN}` };
    const { issues } = (await (await fetch(`${worker.url}/api/v1/admin/issues?slug=podcast`, { headers: auth })).json()) as {
      issues: { id: string }[];
    };
    const issue = (await (await fetch(`${worker.url}/api/v1/admin/issues/${issues[0]!.id}`, { headers: auth })).json()) as {
      cover: { url: string; alt: string };
      attachments: { url: string; title: string | null; content_type: string; bytes: number }[];
    };
    expect(issue.cover.alt).toBe('초록 표지');
    expect(issue.cover.url).toMatch(new RegExp(`^${worker.url}/media/[0-9a-f]{64}\\.png$`));
    expect(issue.attachments).toEqual([
      {
        url: expect.stringMatching(new RegExp(`^${worker.url}/media/[0-9a-f]{64}\\.mp3$`)),
        title: '1화 듣기',
        content_type: 'audio/mpeg',
        bytes: episode.byteLength,
      },
      { url: 'https://cdn.example/notes.pdf', title: null, content_type: 'application/pdf', bytes: 2048 },
    ]);
  }, 120_000);

  it('shows what it would do with --dry-run, and says why a file fails', async () => {
    await writeFile(join(folder, 'new-one.md'), `---\ntitle: 새 이슈\n---\n![빠짐](missing.png)\n`);
    const failed = await push(join(folder, 'new-one.md')).catch((error: { stdout: string; code: number }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stdout).toContain('failed: references missing.png, which cannot be read');
    await writeFile(join(folder, 'new-one.md'), `---\ntitle: 새 이슈\n---\n본문\n`);
    const dry = await push(join(folder, 'new-one.md'), '--dry-run');
    expect(dry.stdout).toContain('would create new-one');
    const listed = (await (
      await fetch(`${worker.url}/api/v1/admin/issues?slug=new-one`, { headers: { Authorization: `Bearer ${env.MASTHEAD_TOKEN}` } })
    ).json()) as {
      issues: unknown[];
    };
    expect(listed.issues).toEqual([]);
  }, 120_000);
});

describe('npm run import-email', () => {
  const importEmail = (...args: string[]) => run('npx', ['tsx', 'scripts/import-email.ts', ...args], { env, cwd: process.cwd() });

  it('makes a draft of each email, shows its progress and report, and prints the admin URL of the draft', async () => {
    const eml = join(process.cwd(), 'tests/fixtures/email/plain-euckr-data-brief.eml');
    const { stdout, stderr } = await importEmail(eml);
    expect(stderr).toContain(`[1/1] ${eml}: sending`);
    expect(stderr).toContain('draft "주간 데이터 브리프 #12: 벡터 DB의 시간" (title from the subject)');
    expect(stderr).toMatch(/removed 1 × feedback-call: /);
    const url = stdout.trim();
    expect(url).toMatch(new RegExp(`^${worker.url}/api/v1/admin/issues/[0-9a-f-]{36}$`));
    const draft = (await (await fetch(url, { headers: { Authorization: `Bearer ${env.MASTHEAD_TOKEN}` } })).json()) as {
      status: string;
      teasers: { title: string }[];
    };
    expect(draft.status).toBe('draft');
    expect(draft.teasers.map((t) => t.title)).toEqual(['벡터 DB란?']);
  }, 120_000);

  it('says which files it could not import, and exits 1', async () => {
    const missing = join(folder, 'nowhere.eml');
    const wrong = join(folder, 'weekly-7.md');
    const failure = await importEmail(missing, wrong).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(`[1/2] ${missing}: not imported: no such file`);
    expect((failure as { stderr: string }).stderr).toContain(`[2/2] ${wrong}: not imported: name an .eml, .html or .txt file (got .md)`);
  }, 120_000);
});
