// `npm run export -- [--out FILE] [--remote | --persist-to DIR]`: writes every issue with all its revisions, the tags,
// the tokens' metadata (never their hashes), the feedback and the media index to a JSON file, and
// every uploaded file (R2) to a folder beside it: FILE without `.json`, plus `.media/`.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backupMediaFiles, exportBackup, mediaFolderOf } from '../src/services/backup';
import { applyMigrations, d1Runner, d1TargetOf, r2Get } from './lib/wrangler';

const { values } = parseArgs({
  options: { out: { type: 'string' }, remote: { type: 'boolean', default: false }, 'persist-to': { type: 'string' } },
});
const target = d1TargetOf(values);
if (target === null) {
  console.error('Usage: npm run export -- [--out FILE] [--remote | --persist-to DIR]');
  process.exit(2);
}
const now = new Date();
const out = values.out ?? `masthead-backup-${now.toISOString().slice(0, 19).replaceAll(':', '-')}.json`;

if (!values.remote) await applyMigrations(target);
const backup = await exportBackup(d1Runner(target), now, (table, rows) => process.stderr.write(`export: ${table} ${rows} rows\n`));
await writeFile(out, JSON.stringify(backup, null, 1));

// The files, each checked against its hash: a backup that cannot restore a file is no backup of it.
const files = backupMediaFiles(backup);
const folder = mediaFolderOf(out);
await mkdir(folder, { recursive: true });
const problems: string[] = [];
for (const [index, file] of files.entries()) {
  const path = join(folder, file.key);
  try {
    await r2Get(target, file.key, path);
    const hash = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    if (hash !== file.sha256) problems.push(`${file.key}: the stored bytes hash to ${hash}`);
    else process.stderr.write(`export: media ${index + 1}/${files.length} ${file.key} (${file.bytes} bytes)\n`);
  } catch (error) {
    problems.push(`${file.key}: ${(error as Error).message}`);
  }
}
const counts = Object.entries(backup.tables)
  .map(([table, rows]) => `${rows.length} ${table}`)
  .join(', ');
if (problems.length > 0) {
  console.error(
    `Wrote ${out} (${counts}), but ${problems.length} of ${files.length} media files are missing from ${folder}:\n- ${problems.join('\n- ')}\n` +
      'The backup restores only with `npm run import -- FILE --allow-missing-media`, without those files.',
  );
  process.exit(1);
}
console.error(`Wrote ${out}: ${counts}; ${files.length} media files in ${folder}.`);
console.log(out);
