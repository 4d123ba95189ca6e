// `npm run dev`: migrates the local D1, loads seed/, then serves the Worker on 127.0.0.1:$PORT
// (8787 by default) with wrangler dev. No Cloudflare account and no network are needed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { loadSeed } from './lib/seed';
import { applyMigrations, OFFLINE_ENV, WRANGLER_BIN } from './lib/wrangler';

const port = process.env.PORT ?? '8787';
if (!/^\d{1,5}$/.test(port)) {
  console.error(`PORT must be a port number, not "${port}".`);
  process.exit(2);
}

/**
 * The Worker refuses reader feedback without FEEDBACK_HASH_SECRET and has no stand-in of its own, so
 * local runs get a dev-only one: generated once into .dev.vars (git-ignored, read by wrangler dev,
 * never deployed), where wrangler shows it as hidden, unlike a --var.
 */
async function ensureDevSecret(path = '.dev.vars'): Promise<void> {
  const vars = await readFile(path, 'utf8').catch(() => '');
  if (/^FEEDBACK_HASH_SECRET\s*=/m.test(vars)) return;
  const separator = vars === '' || vars.endsWith('\n') ? '' : '\n';
  await appendFile(
    path,
    `${separator}# Local development only (npm run dev); production has its own: wrangler secret put FEEDBACK_HASH_SECRET\nFEEDBACK_HASH_SECRET=${randomBytes(32).toString('hex')}\n`,
  );
  console.error(`Wrote a dev-only FEEDBACK_HASH_SECRET to ${path}.`);
}

await ensureDevSecret();
await applyMigrations('--local');
await loadSeed('seed', (line) => console.error(line));

// Webhooks may go to this machine, so a receiver can be tried locally (README, "Webhooks").
const args = [
  'dev',
  '--ip',
  '127.0.0.1',
  '--port',
  port,
  '--var',
  `SITE_URL:http://127.0.0.1:${port}`,
  '--var',
  'OUTBOUND_ALLOW_LOCAL:on',
  ...process.argv.slice(2),
];
console.error(`Starting wrangler ${args.join(' ')}`);
const child = spawn(process.execPath, [WRANGLER_BIN, ...args], { stdio: 'inherit', env: OFFLINE_ENV });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

// wrangler dev does not fire cron triggers; fire ours once a minute so scheduled issues publish.
setInterval(() => {
  fetch(`http://127.0.0.1:${port}/cdn-cgi/local/scheduled`).catch(() => {});
}, 60_000).unref();
