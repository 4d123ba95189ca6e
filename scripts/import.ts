// `npm run import -- FILE [--remote]`: restores a backup written by `npm run export` into an empty
// database, then rebuilds the search index. Tokens come back revoked: mint new ones afterwards.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertEmpty, parseBackup, restoreStatements } from '../src/services/backup';
import { applyMigrations, d1Runner, wrangler } from './lib/wrangler';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { remote: { type: 'boolean', default: false } } });
const file = positionals[0];
if (file === undefined) {
  console.error('Usage: npm run import -- FILE [--remote]');
  process.exit(2);
}
const where = values.remote ? '--remote' : '--local';

let backup;
try {
  backup = parseBackup(JSON.parse(await readFile(file, 'utf8')));
} catch (error) {
  console.error(`${file}: ${(error as Error).message}`);
  process.exit(1);
}
if (!values.remote) await applyMigrations('--local');
await assertEmpty(d1Runner(where));

const statements = restoreStatements(backup, new Date());
const CHUNK = 500;
const dir = await mkdtemp(join(tmpdir(), 'masthead-import-'));
for (let start = 0; start < statements.length; start += CHUNK) {
  const path = join(dir, `part-${start / CHUNK}.sql`);
  await writeFile(path, statements.slice(start, start + CHUNK).join('\n'));
  await wrangler(['d1', 'execute', 'DB', where, '--yes', '--file', path], { capture: true });
  console.error(`import: ${Math.min(start + CHUNK, statements.length)} of ${statements.length} statements`);
}
const counts = Object.entries(backup.tables).map(([table, rows]) => `${rows.length} ${table}`).join(', ');
console.error(`Restored ${counts} from ${file}; the search index was rebuilt. Tokens are restored revoked: mint new ones.`);
