// `npm run export -- [--out FILE] [--remote]`: writes every issue with all its revisions, the tags,
// the tokens' metadata (never their hashes) and the feedback to a JSON file.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { exportBackup } from '../src/services/backup';
import { applyMigrations, d1Runner } from './lib/wrangler';

const { values } = parseArgs({ options: { out: { type: 'string' }, remote: { type: 'boolean', default: false } } });
const where = values.remote ? '--remote' : '--local';
const now = new Date();
const out = values.out ?? `masthead-backup-${now.toISOString().slice(0, 19).replaceAll(':', '-')}.json`;

if (!values.remote) await applyMigrations('--local');
const backup = await exportBackup(d1Runner(where), now, (table, rows) => process.stderr.write(`export: ${table} ${rows} rows\n`));
await writeFile(out, JSON.stringify(backup, null, 1));
const counts = Object.entries(backup.tables).map(([table, rows]) => `${rows.length} ${table}`).join(', ');
console.error(`Wrote ${out}: ${counts}.`);
console.log(out);
