// `npm run seed`: applies the local migrations and loads seed/ into the local D1.
import { loadSeed } from './lib/seed';
import { applyMigrations } from './lib/wrangler';

await applyMigrations('--local');
await loadSeed('seed', (line) => console.error(line));
