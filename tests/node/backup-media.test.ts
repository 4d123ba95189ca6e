import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { d1Runner, r2Get } from '../../scripts/lib/wrangler';
import { runScript } from '../support/run-script';

/**
 * `npm run export` and `npm run import` with media, end to end through wrangler's local D1 and R2:
 * the seed (issue and both images) loaded into one local state, exported to a JSON file and a
 * media folder, imported into another, and read back there file by file.
 */
let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'masthead-backup-media-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const script = (name: string, ...args: string[]) => runScript(name, args);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('backups with media', () => {
  it('export writes every uploaded file beside the JSON, and import restores them into R2 with their index', {
    timeout: 300_000,
  }, async () => {
    const source = join(root, 'source');
    const seeded = await script('seed', '--persist-to', source);
    expect(seeded.code, seeded.stderr).toBe(0);

    const out = join(root, 'backup.json');
    const exported = await script('export', '--persist-to', source, '--out', out);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/export: media 2\/2 [0-9a-f]{64}\.png/);
    const expected = await Promise.all(['cover.png', 'numbers.png'].map(async (f) => sha256(await readFile(join('seed/images', f)))));
    const files = (await readdir(join(root, 'backup.media'))).sort();
    expect(files).toEqual(expected.map((hash) => `${hash}.png`).sort());
    for (const file of files) expect(sha256(await readFile(join(root, 'backup.media', file)))).toBe(file.slice(0, 64));
    const backup = JSON.parse(await readFile(out, 'utf8')) as { version: number; tables: { media: { sha256: string }[] } };
    expect(backup.version).toBe(2);
    expect(backup.tables.media.map((m) => m.sha256).sort()).toEqual([...expected].sort());

    const restored = join(root, 'restored');
    const imported = await script('import', out, '--persist-to', restored);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('2 media');
    for (const file of files) {
      const copy = join(root, `copy-${file}`);
      await r2Get({ persistTo: restored }, file, copy);
      expect(sha256(await readFile(copy))).toBe(file.slice(0, 64));
    }
    const run = d1Runner({ persistTo: restored });
    const rows = await run('SELECT sha256, content_type, width, height FROM media ORDER BY sha256');
    expect(rows).toEqual(
      [
        { sha256: expected[0], content_type: 'image/png', width: 1200, height: 630 },
        { sha256: expected[1], content_type: 'image/png', width: 1200, height: 400 },
      ].sort((a, b) => a.sha256!.localeCompare(b.sha256!)),
    );
    // The restored issue names the restored files.
    const [issue] = await run('SELECT cover_image, body FROM issues');
    expect(String(issue?.cover_image)).toContain(`/media/${expected[0]}.png`);
    expect(String(issue?.body)).toContain(`/media/${expected[1]}.png`);

    // A backup whose media folder lost a file restores nothing at all.
    await unlink(join(root, 'backup.media', files[0]!));
    const elsewhere = join(root, 'elsewhere');
    const refused = await script('import', out, '--persist-to', elsewhere);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Nothing was imported: 1 of 2 media files in ${join(root, 'backup.media')} cannot be restored`);
    expect(refused.stderr).toContain(`${files[0]} is missing`);
    // The refusal comes before the migrations: the database there was never created.
    await expect(d1Runner({ persistTo: elsewhere })('SELECT COUNT(*) AS n FROM issues')).rejects.toThrow();
    // Asked to, it restores everything but the lost file.
    const partial = await script('import', out, '--persist-to', elsewhere, '--allow-missing-media');
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toContain('Importing without them (--allow-missing-media): 1 of 2 media files');
    expect(await d1Runner({ persistTo: elsewhere })('SELECT COUNT(*) AS n FROM issues')).toEqual([{ n: 1 }]);
  });
});
