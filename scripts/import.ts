// `npm run import -- FILE [--remote | --persist-to DIR]`: restores a backup written by `npm run export` into an empty
// database, with its media files (from the folder beside FILE) into R2, rebuilds the search index,
// and reports what the database then holds, read back. Tokens come back revoked: mint new ones afterwards.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  assertEmpty,
  type Backup,
  backupMediaFiles,
  countRows,
  mediaFolderOf,
  parseBackup,
  restoredRows,
  restoreStatements,
} from '../src/services/backup';
import { applyMigrations, d1Runner, d1TargetOf, r2Put, targetFlags, wrangler } from './lib/wrangler';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    remote: { type: 'boolean', default: false },
    'persist-to': { type: 'string' },
    'allow-missing-media': { type: 'boolean', default: false },
  },
});
const file = positionals[0];
const target = d1TargetOf(values);
if (file === undefined || target === null) {
  console.error('Usage: npm run import -- FILE [--remote | --persist-to DIR] [--allow-missing-media]');
  process.exit(2);
}
const run = d1Runner(target);

let backup: Backup;
let media: ReturnType<typeof backupMediaFiles>;
try {
  backup = parseBackup(JSON.parse(await readFile(file, 'utf8')));
  media = backupMediaFiles(backup);
} catch (error) {
  console.error(`${file}: ${(error as Error).message}`);
  process.exit(1);
}
// Every file the backup names, present and whole, before anything is written.
const folder = mediaFolderOf(file);
const unusable: string[] = [];
const usable: typeof media = [];
for (const item of media) {
  const bytes = await readFile(join(folder, item.key)).catch(() => null);
  if (bytes === null) unusable.push(`${item.key} is missing`);
  else if (createHash('sha256').update(bytes).digest('hex') !== item.sha256) unusable.push(`${item.key} is not the file it names`);
  else usable.push(item);
}
if (unusable.length > 0) {
  const list = `${unusable.length} of ${media.length} media files in ${folder} cannot be restored:\n- ${unusable.join('\n- ')}`;
  if (!values['allow-missing-media']) {
    console.error(
      `Nothing was imported: ${list}\nFind them, or import without them with --allow-missing-media (their pages then show a missing image until the same file is uploaded again).`,
    );
    process.exit(1);
  }
  console.error(`Importing without them (--allow-missing-media): ${list}`);
}
if (!values.remote) await applyMigrations(target);
try {
  await assertEmpty(run);
} catch (error) {
  console.error(`Nothing was imported: ${(error as Error).message}.`);
  process.exit(1);
}
const before = await countRows(run);

// The files first, so every media row restored below has its bytes (a put of the same key is harmless).
for (const [index, item] of usable.entries()) {
  await r2Put(target, item.key, join(folder, item.key), item.contentType);
  console.error(`import: media ${index + 1}/${usable.length} ${item.key}`);
}

const statements = restoreStatements(backup, new Date());
const CHUNK = 500;
const dir = await mkdtemp(join(tmpdir(), 'masthead-import-'));
let stopped: string | null = null;
for (let start = 0; start < statements.length && stopped === null; start += CHUNK) {
  const path = join(dir, `part-${start / CHUNK}.sql`);
  await writeFile(path, statements.slice(start, start + CHUNK).join('\n'));
  try {
    await wrangler(['d1', 'execute', 'DB', ...targetFlags(target), '--yes', '--file', path], { capture: true });
    console.error(`import: ${Math.min(start + CHUNK, statements.length)} of ${statements.length} statements`);
  } catch (error) {
    // wrangler's own output above says why; the read-back below says how far the restore got.
    stopped = (error as Error).message;
  }
}
// Say what the database now holds, read back, not what the file held.
const { rows, missing } = restoredRows(backup, before, await countRows(run));
const counts = Object.entries(rows)
  .map(([table, n]) => `${n} ${table}`)
  .join(', ');
if (stopped !== null || missing.length > 0) {
  const why = [stopped, ...missing].filter((part) => part !== null).join('; ');
  console.error(`The restore from ${file} is incomplete (${counts} were written): ${why}.`);
  process.exit(1);
}
console.error(
  `Restored ${counts} from ${file} (media files from ${folder}); the search index was rebuilt. Tokens are restored revoked: mint new ones.`,
);
