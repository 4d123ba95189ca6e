// `npm run docs:api`: writes the route tables of docs/API.md from the route table (src/router.ts).
// `npm test` fails while the file differs from what this writes.
import { readFile, writeFile } from 'node:fs/promises';
import { ROUTES } from '../src/router';
import { withRouteTables } from './lib/api-doc';

const file = new URL('../docs/API.md', import.meta.url);
const before = await readFile(file, 'utf8');
const after = withRouteTables(before, ROUTES);
if (after === before) console.error('docs/API.md: the route tables are up to date.');
else {
  await writeFile(file, after);
  console.error(`docs/API.md: route tables written (${ROUTES.length} routes).`);
}
