// `npm run export -- [--out FILE] [--remote | --persist-to DIR]`: writes every issue with all its revisions, the tags,
// the tokens' metadata (never their hashes) and the feedback to a JSON file.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { exportBackup } from '../src/services/backup';
import { applyMigrations, d1Runner, d1TargetOf } from './lib/wrangler';

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
const counts = Object.entries(backup.tables)
  .map(([table, rows]) => `${rows.length} ${table}`)
  .join(', ');
console.error(`Wrote ${out}: ${counts}.`);
console.log(out);
