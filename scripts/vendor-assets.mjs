// Copies the API reference renderer (swagger-ui-dist, a devDependency) from node_modules into
// public/docs/vendor, where Workers Static Assets serve it: /docs needs no CDN. It runs as the
// Worker's build step (wrangler.toml [build], before every `wrangler dev` and `wrangler deploy`)
// and before the tests (vitest.config.ts), so it needs no install script.
import { copyFile, mkdir } from 'node:fs/promises';

const from = new URL('../node_modules/swagger-ui-dist/', import.meta.url);
const to = new URL('../public/docs/vendor/', import.meta.url);
await mkdir(to, { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE']) await copyFile(new URL(file, from), new URL(file, to));
