// Local runs never fetch Request.cf data from the network (these machines are offline).
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';

import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { outboundService } from './tests/support/outbound.ts';
import { startWebhookReceiver } from './tests/support/webhook-receiver.ts';
import { startStandInHub } from './tests/support/websub-hub.ts';

/** Every file in public/ as the path it is served at, with its size: whatever is added there later too. */
async function publicFiles(directory = 'public'): Promise<{ path: string; size: number }[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(
    files.map(async (file) => ({ path: `/${relative(directory, file).split(sep).join('/')}`, size: (await stat(file)).size })),
  );
}

/** Tests that need real connections to this machine (see the projects below). */
const NETWORK_TESTS = ['tests/integration/webhooks.test.ts'];

export default defineConfig(async () => {
  // public/docs/vendor, as the Worker's build step makes it (the static files tests request it).
  await import('./scripts/vendor-assets.mjs');
  const migrations = await readD1Migrations('migrations');
  const staticFiles = await publicFiles();
  const hub = await startStandInHub();
  const receiver = await startWebhookReceiver();
  const workerdProject = (name: string, options: { outbound: boolean; include?: string[]; exclude?: string[] }) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          ...(options.outbound ? { outboundService } : {}),
          // Test-only: an empty second database that the backup test restores into.
          d1Databases: { RESTORE_DB: 'restore-db' },
          bindings: {
            // Test-only: the migrations the setup file applies to each test file's isolated D1.
            TEST_MIGRATIONS: migrations,
            // Test-only: whether the outbound stand-ins answer (and the setup file asks them what was unexpected).
            TEST_OUTBOUND_GUARD: options.outbound ? 'on' : 'off',
            // Feeds announce to the stand-in hub, which the WebSub tests read back.
            WEBSUB_HUB: hub.url,
            // One partner origin, so embeds have someone to be framed by.
            PARTNER_ORIGINS: 'https://partner.example http://127.0.0.1:9 not-an-origin',
            // Test-only: the files in public/, which the static files test requests one by one.
            TEST_PUBLIC_FILES: staticFiles,
            // Webhooks go to the stand-in receiver on this machine, which verifies their signatures.
            OUTBOUND_ALLOW_LOCAL: 'on',
            TEST_WEBHOOK_RECEIVER: receiver.url,
            // Test-only: the Worker refuses feedback without a secret and has no stand-in of its own.
            FEEDBACK_HASH_SECRET: 'test-only-feedback-hash-secret',
          },
        },
      }),
    ],
    test: {
      name,
      include: options.include ?? ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
      exclude: options.exclude ?? [],
      setupFiles: ['tests/setup.ts'],
    },
  });
  return {
    // Sent emails (tests/fixtures/email) are files to read as bytes (`?inline`), not modules.
    assetsInclude: ['**/*.eml'],
    test: {
      projects: [
        // Unit and integration tests run inside workerd, with real D1 and KV; every request to a
        // host outside this machine is answered by a stand-in, and an unexpected one fails the test
        // that made it (tests/support/outbound.ts, tests/setup.ts).
        workerdProject('workerd', { outbound: true, exclude: NETWORK_TESTS }),
        // The webhook tests see real connections to this machine (a refused one must stay a network
        // error, which a stand-in cannot make): they send only to loopback, and run without it.
        workerdProject('workerd-loopback', { outbound: false, include: NETWORK_TESTS }),
        {
          // Checks that need Node tools (an OpenAPI validator that compiles schemas with eval).
          test: { name: 'node', environment: 'node', include: ['tests/node/**/*.test.ts'] },
        },
      ],
    },
  };
});
