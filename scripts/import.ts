// `npm run import -- FILE [--remote | --persist-to DIR]`: restores a backup written by `npm run export` into an empty
// database, rebuilds the search index, and reports what the database then holds, read back.
// Tokens come back revoked: mint new ones afterwards.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertEmpty, type Backup, countRows, parseBackup, restoredRows, restoreStatements } from '../src/services/backup';
import { applyMigrations, d1Runner, d1TargetOf, targetFlags, wrangler } from './lib/wrangler';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { remote: { type: 'boolean', default: false }, 'persist-to': { type: 'string' } },
});
const file = positionals[0];
const target = d1TargetOf(values);
if (file === undefined || target === null) {
  console.error('Usage: npm run import -- FILE [--remote | --persist-to DIR]');
  process.exit(2);
}
const run = d1Runner(target);

let backup: Backup;
try {
  backup = parseBackup(JSON.parse(await readFile(file, 'utf8')));
} catch (error) {
  console.error(`${file}: ${(error as Error).message}`);
  process.exit(1);
}
if (!values.remote) await applyMigrations(target);
try {
  await assertEmpty(run);
} catch (error) {
  console.error(`Nothing was imported: ${(error as Error).message}.`);
  process.exit(1);
}
const before = await countRows(run);

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
console.error(`Restored ${counts} from ${file}; the search index was rebuilt. Tokens are restored revoked: mint new ones.`);
