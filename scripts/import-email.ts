// `npm run import-email -- sent.eml [more.eml ...] [--keep-campaign-parameters]`: each sent
// newsletter (a saved .eml, or an .html or .txt file) becomes a draft issue through
// POST /api/v1/admin/imports. Progress and the import report go to stderr; each draft's admin URL
// goes to stdout. Nothing is published. Against `npm run dev` or a deployed Worker alike:
// MASTHEAD_URL and MASTHEAD_TOKEN, or a .mastheadrc (README, "Importing a sent newsletter").
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ImportReport } from '../src/domain/email-import';
import { apiClient, apiSettings } from './lib/api-client';

const USAGE = `Usage:
  npm run import-email -- sent.eml [more.eml ...] [--keep-campaign-parameters]
Takes .eml files (the message as sent), or a newsletter's .html or .txt. Needs MASTHEAD_URL and
MASTHEAD_TOKEN in the environment, or a .mastheadrc file holding {"url": "https://news.example", "token": "mh_..."}.`;

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `${message}\n\n${USAGE}` : message);
  process.exit(code);
}

const { positionals: files, values } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { 'keep-campaign-parameters': { type: 'boolean', default: false } } });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (files.length === 0) fail('Name at least one .eml file.');

const TYPES: Record<string, string> = {
  '.eml': 'message/rfc822',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where the editor ran the command (npm runs scripts from the package's folder). */
const here = process.env.INIT_CWD ?? process.cwd();
const found = await apiSettings(here);
if ('error' in found) fail(found.error, found.usage ? 2 : 1);
const api = apiClient(found.url, found.token);
const query = values['keep-campaign-parameters'] ? '?campaign_parameters=keep' : '';

let failed = 0;
for (const [index, file] of files.entries()) {
  const path = resolve(here, file);
  const type = TYPES[extname(path).toLowerCase()];
  const step = (line: string) => console.error(`[${index + 1}/${files.length}] ${file}: ${line}`);
  if (type === undefined) {
    step(`not imported: name an .eml, .html or .txt file (got ${extname(path) || 'no extension'})`);
    failed++;
    continue;
  }
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    step(`not imported: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    return null;
  });
  if (bytes === null) {
    failed++;
    continue;
  }
  step(`sending ${(bytes.byteLength / 1024).toFixed(1)} KiB as ${type.split(';')[0]}...`);
  try {
    const response = await api(`/api/v1/admin/imports${query}`, { method: 'POST', headers: { 'Content-Type': type }, body: bytes });
    const { issue, report } = (await response.json()) as { issue: { id: string; title: string }; report: ImportReport };
    const r = report.recognised;
    step(`draft "${issue.title}" (title from the ${r.title.from})`);
    console.error(`  subtitle: ${r.subtitle ?? '(none)'}`);
    console.error(
      `  summary: ${r.summary.length} point(s); sections: ${r.sections.length}; teasers: ${r.teasers.length}; tags: ${r.tags.join(', ') || '(none)'}`,
    );
    console.error(`  images: ${report.images.stored} stored, ${report.images.kept_remote} left at their remote address`);
    for (const removed of report.removed) console.error(`  removed ${removed.count} × ${removed.kind}: ${removed.why}`);
    for (const warning of report.warnings) console.error(`  warning (${warning.kind}): ${warning.message}`);
    console.log(`${found.url}/api/v1/admin/issues/${issue.id}`);
  } catch (error) {
    step(`not imported: ${(error as Error).message}`);
    failed++;
  }
}
if (failed > 0) {
  console.error(`${failed} of ${files.length} file(s) were not imported.`);
  process.exit(1);
}
