// `npm run seed -- [--persist-to DIR]`: applies the local migrations and loads seed/ into the local
// D1 (and its images into the local R2): the project's own local state, or the one in DIR.
import { parseArgs } from 'node:util';
import { loadSeed } from './lib/seed';
import { applyMigrations } from './lib/wrangler';

const { values } = parseArgs({ options: { 'persist-to': { type: 'string' } } });
const persistTo = values['persist-to'];
await applyMigrations(persistTo === undefined ? '--local' : { persistTo });
await loadSeed('seed', (line) => console.error(line), persistTo);
