import { execFile, execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalWorker, startLocalWorker } from '../../scripts/lib/local-worker';
import { pdf, png } from '../support/media-files';

/**
 * `npm run push` run over a folder someone else wrote (a guest author, a pull request, a shared
 * folder): it must not upload files from outside the Markdown file's folder, must not send the
 * editor's token to a site a planted config names, and must not quietly replace a live issue.
 * The built Worker on workerd (Miniflare's API), plus a recording server on this machine that
 * stands for the attacker's site.
 */
const run = promisify(execFile);
let worker: LocalWorker;
let token: string;
let root: string;
let home: string;
let attacker: Server;
let attackerUrl: string;
const seen: { method: string; url: string; authorization: string | undefined }[] = [];

const record = (request: IncomingMessage) =>
  seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });

beforeAll(async () => {
  worker = await startLocalWorker({ log: () => {} });
  token = await worker.token('editor');
  root = await mkdtemp(join(tmpdir(), 'masthead-hostile-'));
  home = join(root, 'home');
  await mkdir(home);
  // The editor's private files, beside the folder a guest's Markdown arrives in.
  await mkdir(join(root, 'secret'));
  await writeFile(join(root, 'secret', 'trav.png'), await png(10, 10, [200, 0, 0]));
  await writeFile(join(root, 'secret', 'sym.png'), await png(11, 11, [0, 200, 0]));
  await writeFile(join(root, 'secret', 'contract.pdf'), pdf());
  await writeFile(join(root, 'secret', 'notes.txt'), 'bank: hunter2\n');
  // A pipe: reading it would block for good, so a push that reads it does not finish.
  execFileSync('mkfifo', [join(root, 'secret', 'pipe.png')]);
  await mkdir(join(root, 'guest', 'images'), { recursive: true });
  await symlink('../../secret/sym.png', join(root, 'guest', 'images', 'chart.png'));
  await symlink('../secret', join(root, 'guest', 'shared'));
  execFileSync('mkfifo', [join(root, 'guest', 'images', 'inside-pipe.png')]);
  await writeFile(join(root, 'guest', 'notes.txt'), 'bank: hunter2\n');
  await writeFile(join(root, 'guest', 'doc.pdf'), pdf());
  await writeFile(join(root, 'guest', 'ok.png'), await png(20, 10));

  attacker = createServer((request, response) => {
    record(request);
    request.resume();
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"issues":[]}');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const address = attacker.address();
  attackerUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}, 180_000);
afterAll(async () => {
  attacker?.close();
  await worker?.dispose();
});
beforeEach(() => {
  seen.length = 0;
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run push` as an editor runs it from `cwd` (INIT_CWD, as npm sets it), with `HOME` set apart. */
async function push(cwd: string, environment: Record<string, string>, ...args: string[]): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, INIT_CWD: cwd, ...environment };
  delete env.MASTHEAD_URL;
  delete env.MASTHEAD_TOKEN;
  Object.assign(env, environment);
  try {
    // tsx itself, not npx, which would set INIT_CWD to its own folder.
    const { stdout, stderr } = await run(join(process.cwd(), 'node_modules/.bin/tsx'), [join(process.cwd(), 'scripts/push.ts'), ...args], {
      env,
      cwd,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number | null; killed?: boolean; stdout: string; stderr: string };
    if (failed.killed) throw new Error(`push did not finish (it read a pipe?): ${failed.stderr}`);
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const asEditor = () => ({ MASTHEAD_URL: worker.url, MASTHEAD_TOKEN: token });

async function mediaCount(): Promise<number> {
  const answer = await fetch(`${worker.url}/api/v1/admin/media?limit=100`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await answer.json()) as { media: unknown[] }).media.length;
}

let n = 0;
/** A guest's Markdown file in the guest folder, with a fresh slug. */
async function guestFile(frontMatter: string, body: string): Promise<string> {
  n += 1;
  const file = join(root, 'guest', `guest-${n}.md`);
  await writeFile(file, `---\ntitle: 손님 글 ${n}\n${frontMatter}---\n${body}\n`);
  return file;
}

describe('npm run push reads only inside the Markdown file’s folder', () => {
  it.each([
    ['a parent path', '', '![t](../secret/trav.png)', '../secret/trav.png'],
    ['a deeper parent path', '', '![t](images/../../secret/trav.png)', 'images/../../secret/trav.png'],
    ['percent-encoded dots', '', '![t](%2e%2e/secret/trav.png)', '%2e%2e/secret/trav.png'],
    ['upper-case percent-encoded dots', '', '![t](images/%2E%2E/%2E%2E/secret/trav.png)', 'images/%2E%2E/%2E%2E/secret/trav.png'],
    ['an angle-bracket destination', '', '![t](<../secret/trav.png>)', '../secret/trav.png'],
    ['a reference-style definition', '', '![t][s]\n\n[s]: ../secret/trav.png', '../secret/trav.png'],
    ['an attachment', 'attachments:\n  - url: ../secret/contract.pdf\n', '본문', '../secret/contract.pdf'],
    ['a cover', 'cover:\n  url: ../secret/trav.png\n  alt: x\n', '본문', '../secret/trav.png'],
    ['a cover_image', 'cover_image: ../secret/trav.png\n', '본문', '../secret/trav.png'],
    ['a symbolic link to a file outside', '', '![c](images/chart.png)', 'images/chart.png'],
    ['a file under a symbolic link to a folder outside', '', '![c](shared/trav.png)', 'shared/trav.png'],
    ['a pipe outside, which must not even be opened', '', '![p](../secret/pipe.png)', '../secret/pipe.png'],
  ])(
    'refuses %s before reading or sending anything, naming the reference',
    async (_case, frontMatter, body, reference) => {
      const before = await mediaCount();
      // A good image first: nothing of the file is sent when any reference is refused.
      const file = await guestFile(frontMatter, `![ok](ok.png)\n\n${body}`);
      const outcome = await push(join(root, 'guest'), asEditor(), file);
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toContain(`failed: references ${reference}, which lies outside this file's folder`);
      expect(outcome.stderr).not.toContain('uploading');
      expect(await mediaCount()).toBe(before);
    },
    120_000,
  );

  it('refuses a pipe, a text file and a PDF shown as an image inside the folder, before sending', async () => {
    const before = await mediaCount();
    const pipe = await push(join(root, 'guest'), asEditor(), await guestFile('', '![p](images/inside-pipe.png)'));
    expect(pipe.stdout).toContain('failed: references images/inside-pipe.png, which is not a regular file');
    const text = await push(join(root, 'guest'), asEditor(), await guestFile('', '![n](notes.txt)'));
    expect(text.stdout).toContain('failed: references notes.txt, which the server would refuse: The file is none of PNG');
    const document = await push(join(root, 'guest'), asEditor(), await guestFile('', '![d](doc.pdf)'));
    expect(document.stdout).toContain('failed: uses doc.pdf as an image, but it is application/pdf');
    for (const outcome of [pipe, text, document]) expect(outcome.code).toBe(1);
    expect(await mediaCount()).toBe(before);
  }, 120_000);

  it('lists exactly what it would upload with --dry-run, and uploads nothing', async () => {
    const before = await mediaCount();
    const file = await guestFile('attachments:\n  - url: doc.pdf\n', '![ok](ok.png)');
    const dry = await push(join(root, 'guest'), asEditor(), file, '--dry-run');
    expect(dry.code).toBe(0);
    const guest = execFileSync('realpath', [join(root, 'guest')])
      .toString()
      .trim();
    expect(dry.stderr).toContain(`would upload ok.png (${guest}/ok.png, image/png, 20×10, `);
    expect(dry.stderr).toContain(`would upload doc.pdf (${guest}/doc.pdf, application/pdf, `);
    expect(dry.stderr.match(/would upload/g)).toHaveLength(2);
    expect(await mediaCount()).toBe(before);
  }, 120_000);
});

describe('npm run push over files it did not expect', () => {
  it('refuses a Markdown file that is a link to a file outside its folder', async () => {
    await writeFile(join(root, 'secret', 'embargoed.md'), '---\ntitle: Embargoed scoop\n---\nUNRELEASED DRAFT TEXT\n');
    await symlink('../secret/embargoed.md', join(root, 'guest', 'chapter.md'));
    const outcome = await push(join(root, 'guest'), asEditor(), join(root, 'guest', 'chapter.md'));
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('failed: is a link to');
    expect(outcome.stderr).not.toContain('uploading');
  }, 60_000);

  it('refuses a hard link, which may be another name of a file anywhere', async () => {
    await link(join(root, 'secret', 'trav.png'), join(root, 'guest', 'hard.png'));
    const outcome = await push(join(root, 'guest'), asEditor(), await guestFile('', '![h](hard.png)'), '--dry-run');
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('failed: references hard.png, which is a hard link');
  }, 60_000);

  it('says with --dry-run too when a reference could not be rewritten', async () => {
    const outcome = await push(join(root, 'guest'), asEditor(), await guestFile('', '![a](ok&#46;png)'), '--dry-run');
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('could not rewrite the reference(s) to ok.png');
  }, 60_000);

  it('writes nothing into the folder: a planted state file, even a link to another file, is left alone', async () => {
    const folder = join(root, 'state-link');
    await mkdir(folder);
    await writeFile(join(root, 'victim.txt'), 'export PATH=/usr/bin\n');
    await symlink('../victim.txt', join(folder, '.masthead-push.json'));
    await writeFile(join(folder, 'state-link.md'), '---\ntitle: 상태 파일\n---\n본문\n');
    const outcome = await push(folder, asEditor(), join(folder, 'state-link.md'));
    expect(outcome.stdout).toContain('created, draft');
    expect(await readFile(join(root, 'victim.txt'), 'utf8')).toBe('export PATH=/usr/bin\n');
    const state = JSON.parse(await readFile(join(home, '.masthead', 'push-state.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(state[worker.url]!)).toContain(
      execFileSync('realpath', [join(folder, 'state-link.md')])
        .toString()
        .trim(),
    );
  }, 60_000);
});

describe('npm run push sends a token only to the site it was given for', () => {
  let folder: string;
  beforeAll(async () => {
    folder = join(root, 'planted');
    await mkdir(folder);
    await writeFile(join(folder, 'note.md'), '---\ntitle: 심은 설정\n---\n본문\n');
    // The planted config: a URL alone, hoping to be paired with the editor's token.
    await writeFile(join(folder, '.mastheadrc'), JSON.stringify({ url: `${attackerUrl}/` }));
  });

  it('refuses MASTHEAD_TOKEN without MASTHEAD_URL, sending nothing to the planted URL', async () => {
    const outcome = await push(folder, { MASTHEAD_TOKEN: token }, join(folder, 'note.md'));
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('MASTHEAD_TOKEN is set without MASTHEAD_URL');
    expect(seen).toEqual([]);
  }, 60_000);

  it('pairs MASTHEAD_TOKEN only with MASTHEAD_URL, never with the folder’s URL', async () => {
    const outcome = await push(folder, asEditor(), join(folder, 'note.md'), '--dry-run');
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain(`site: ${worker.url} (from MASTHEAD_URL)`);
    expect(seen).toEqual([]);
  }, 60_000);

  it.each([
    ['the older {url, token} form', () => ({ url: worker.url, token })],
    ['tokens kept per origin', () => ({ url: worker.url, sites: { [worker.url]: { token } } })],
    ['a token kept for the same host over https', () => ({ sites: { [worker.url.replace('http:', 'https:')]: { token } } })],
  ])(
    'does not pair the planted URL with a token from ~/.mastheadrc in %s',
    async (_case, rc) => {
      await writeFile(join(home, '.mastheadrc'), JSON.stringify(rc()));
      const outcome = await push(folder, {}, join(folder, 'note.md'));
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain(`No token is kept for ${attackerUrl}`);
      expect(seen).toEqual([]);
    },
    60_000,
  );

  it('uses the token ~/.mastheadrc keeps for the origin a folder names', async () => {
    const own = join(root, 'own');
    await mkdir(own);
    await writeFile(join(own, '.mastheadrc'), JSON.stringify({ url: worker.url }));
    await writeFile(join(own, 'own-site.md'), '---\ntitle: 내 폴더\n---\n본문\n');
    await writeFile(join(home, '.mastheadrc'), JSON.stringify({ sites: { [`${worker.url}/`]: { token } } }));
    const outcome = await push(own, {}, join(own, 'own-site.md'));
    expect(outcome.stderr).toContain(`site: ${worker.url} (from ${join(own, '.mastheadrc')})`);
    expect(outcome.stdout).toContain('created, draft');
  }, 60_000);

  it('refuses a folder .mastheadrc that brings a token of its own (it could send the editor’s files anywhere)', async () => {
    const folder = join(root, 'own-token');
    await mkdir(folder);
    await writeFile(join(folder, '.mastheadrc'), JSON.stringify({ url: attackerUrl, token: 'mh_attackers_own' }));
    await writeFile(join(folder, 'scoop.md'), '---\ntitle: Scoop\n---\nUNRELEASED\n');
    const outcome = await push(folder, {}, join(folder, 'scoop.md'));
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("a folder's .mastheadrc names its site only");
    expect(seen).toEqual([]);
  }, 60_000);

  it.each([
    ['a path to an admin action, with a fragment', (site: string) => `${site}/api/v1/admin/issues/x/unpublish#`],
    ['a path to an admin action', (site: string) => `${site}/api/v1/admin/issues/x/unpublish`],
    ['a query', (site: string) => `${site}/?next=/api/v1/admin/webhooks`],
    ['credentials', (site: string) => site.replace('http://', 'http://editor@')],
  ])(
    'does not aim the token kept for a site at %s on the same origin',
    async (_case, aim) => {
      const folder = join(root, `aim-${crypto.randomUUID().slice(0, 6)}`);
      await mkdir(folder);
      await writeFile(join(home, '.mastheadrc'), JSON.stringify({ sites: { [worker.url]: { token } } }));
      await writeFile(join(folder, '.mastheadrc'), JSON.stringify({ url: aim(worker.url) }));
      await writeFile(join(folder, 'aimed.md'), '---\ntitle: 겨눈 글\n---\n본문\n');
      const outcome = await push(folder, {}, join(folder, 'aimed.md'));
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(/No token is kept for|must name the site alone/);
    },
    60_000,
  );

  it('does not follow a redirect with the token', async () => {
    const mover = createServer((request, response) => {
      record(request);
      response.writeHead(307, { Location: `${attackerUrl}${request.url}` }).end();
    });
    await new Promise<void>((resolve) => mover.listen(0, '127.0.0.1', resolve));
    const address = mover.address();
    const moverUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    try {
      const outcome = await push(folder, { MASTHEAD_URL: moverUrl, MASTHEAD_TOKEN: token }, join(folder, 'note.md'));
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toContain(`answered 307, a redirect to ${attackerUrl}`);
      expect(seen.map((s) => s.url)).toEqual(['/api/v1/admin/issues?slug=note&limit=1']);
    } finally {
      mover.close();
    }
  }, 60_000);
});

describe('npm run push over a live issue', () => {
  it('asks for --force before replacing a published issue this folder never pushed', async () => {
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${worker.url}/api/v1/admin/issues`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug: 'live-one', title: '살아 있는 이슈', body: '원래 본문' }),
    });
    const { id } = (await created.json()) as { id: string };
    const published = await fetch(`${worker.url}/api/v1/admin/issues/${id}/publish`, {
      method: 'POST',
      headers: { ...auth, 'If-Match': created.headers.get('ETag')! },
    });
    expect(published.status).toBe(200);
    const folder = join(root, 'fresh');
    await mkdir(folder);
    await writeFile(join(folder, 'live-one.md'), '---\ntitle: 덮어쓰기\n---\n새 본문\n');
    // A state file planted beside it, in both forms the folder once kept, claims this folder pushed it.
    const version = ((await published.json()) as { version: number }).version;
    await writeFile(
      join(folder, '.masthead-push.json'),
      JSON.stringify({ sites: { [worker.url]: { 'live-one.md': { id, version } } }, 'live-one.md': { id, version } }),
    );
    const refused = await push(folder, asEditor(), join(folder, 'live-one.md'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('live-one names an issue that is published on the site and was not pushed from this folder');
    expect(await (await fetch(`${worker.url}/issues/live-one`)).text()).toContain('원래 본문');
    const forced = await push(folder, asEditor(), join(folder, 'live-one.md'), '--force');
    expect(forced.stdout).toMatch(/\tupdated \(version \d+\), published\t/);
    // Pushed from here now: the next push needs no --force.
    await writeFile(join(folder, 'live-one.md'), '---\ntitle: 덮어쓰기\n---\n다시 고친 본문\n');
    const again = await push(folder, asEditor(), join(folder, 'live-one.md'));
    expect(again.code).toBe(0);
  }, 120_000);
});
